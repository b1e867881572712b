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
# # Kim and Sanne's proposal
# In JupyterLab: choose **Run → Run All Cells** (in the Voilà app the page runs by itself).
# The workshop is over, and Kim and Sanne have been given a task. Now it is
# yours.

# %%
from casekit import widgets

case, store = widgets.start(lang="en")
widgets.progress(case, store, notebook="05_forslag")

# %%
widgets.proposal(case, store)

# %%
widgets.navigation(case, notebook="05_forslag")
