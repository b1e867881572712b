# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # De tre etiske dilemmaer
# I JupyterLab: vælg **Run → Run All Cells** (i Voilà-appen kører siden af sig selv).
# Casen slutter med tre spørgsmål om etik. For hvert af dem tager du
# stilling mellem to yderpunkter, begrunder din placering og spørger, hvis stemme der mangler.

# %%
from casekit import widgets

case, store = widgets.start()
widgets.progress(case, store, notebook="03_etik")

# %%
widgets.dilemma(case, store, 1)

# %%
widgets.dilemma(case, store, 2)

# %%
widgets.dilemma(case, store, 3)

# %% [markdown]
# Vil du vise holdet, hvor du placerede dig? Underviseren ser kun holdets samlede fordeling – ikke hvem
# der har svaret hvad.

# %%
widgets.share_control(case, store)

# %%
widgets.navigation(case, notebook="03_etik")
