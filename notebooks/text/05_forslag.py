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
# # Kim og Sannes forslag
# I JupyterLab: vælg **Run → Run All Cells** (i Voilà-appen kører siden af sig selv).
# Workshoppen er slut, og Kim og Sanne har fået en opgave. Nu er det din.

# %%
from casekit import widgets

case, store = widgets.start()
widgets.progress(case, store, notebook="05_forslag")

# %%
widgets.proposal(case, store)

# %%
widgets.navigation(case, notebook="05_forslag")
