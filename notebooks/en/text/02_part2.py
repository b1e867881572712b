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
# # Part 2: In the course of the co-creation process
# In JupyterLab: choose **Run → Run All Cells** (in the Voilà app the page runs by itself).
# Read part 2 – the workshop where the goals are discussed.

# %%
from casekit import widgets

case, store = widgets.start(lang="en")
widgets.progress(case, store, notebook="02_del2")

# %%
widgets.read(case, part=2)

# %%
widgets.goal_divergence(case, store)

# %% [markdown]
# Would you like to show the class where you placed yourself? The instructor sees only the class's overall
# spread – not who answered what.

# %%
widgets.share_control(case, store)

# %%
widgets.navigation(case, notebook="02_del2")
