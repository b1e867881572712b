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
# # Del 2: Undervejs i samskabelsesprocessen
# I JupyterLab: vælg **Run → Run All Cells** (i Voilà-appen kører siden af sig selv).
# Læs del 2 – workshoppen, hvor målene bliver diskuteret.

# %%
from casekit import widgets

case, store = widgets.start()
widgets.progress(case, store, notebook="02_del2")

# %%
widgets.read(case, part=2)

# %%
widgets.goal_divergence(case, store)

# %% [markdown]
# Vil du vise holdet, hvor du placerede dig? Underviseren ser kun holdets samlede fordeling – ikke hvem
# der har svaret hvad.

# %%
widgets.share_control(case, store)

# %%
widgets.navigation(case, notebook="02_del2")
