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
# # Hand-in
# In JupyterLab: choose **Run → Run All Cells** (in the Voilà app the page runs by itself).
# See what you have answered, and download your answers as a file:
# - **HTML** for handing in and printing,
# - **JSON** for carrying on later (upload it here again, e.g. in a new Binder session),
# - **Markdown** as plain text.
#
# The links contain your answers as they were when the cell was run: press the button to update them.

# %%
from casekit import widgets

case, store = widgets.start(lang="en")
widgets.progress(case, store, notebook="06_aflevering")

# %%
widgets.handin(case, store)

# %% [markdown]
# Would you like to show the class where you placed yourself? The instructor sees only the class's overall
# spread – not who answered what.

# %%
widgets.share_control(case, store)

# %%
widgets.browser_copy(case, store)

# %%
widgets.navigation(case, notebook="06_aflevering")
