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
# # The three ethical dilemmas
# In JupyterLab: choose **Run → Run All Cells** (in the Voilà app the page runs by itself).
# The case ends with three questions about ethics. For each of them you take
# a position between two extremes, justify your placement and ask whose voice is missing.

# %%
from casekit import widgets

case, store = widgets.start(lang="en")
widgets.progress(case, store, notebook="03_etik")

# %%
widgets.dilemma(case, store, 1)

# %%
widgets.dilemma(case, store, 2)

# %%
widgets.dilemma(case, store, 3)

# %% [markdown]
# Would you like to show the class where you placed yourself? The instructor sees only the class's overall
# spread – not who answered what.

# %%
widgets.share_control(case, store)

# %%
widgets.navigation(case, notebook="03_etik")
