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
# - **HTML** for handing in and printing (your answers are also kept as data in the file),
# - **JSON** for carrying on later (upload it – or the HTML file – here again, e.g. in a new Binder session),
# - **Markdown** as plain text.
#
# Each file is made the moment you press its button, with your answers from every notebook as they are saved
# right then. Under the button it says what the file holds and when it was made.

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
