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
# # The reflection questions
# In JupyterLab: choose **Run → Run All Cells** (in the Voilà app the page runs by itself).
# Here are the case's ten questions in three groups: the organisation of
# co-creation, management by objectives and ethical dilemmas.

# %%
from casekit import widgets

case, store = widgets.start(lang="en")
widgets.progress(case, store, notebook="04_spoergsmaal")

# %%
widgets.questions(case, store)

# %%
widgets.navigation(case, notebook="04_spoergsmaal")
