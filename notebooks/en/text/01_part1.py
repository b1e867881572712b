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
# # Part 1: Planning co-creation
# In JupyterLab: choose **Run → Run All Cells** (in the Voilà app the page runs by itself).
# First read part 1 – and notice who speaks, and who is spoken about.

# %%
from casekit import widgets

case, store = widgets.start(lang="en")
widgets.progress(case, store, notebook="01_del1")

# %%
widgets.read(case, part=1)

# %% [markdown]
# Here is everyone who is in the case – also those who are only talked about. Where the text says nothing,
# it says "Not stated": the case does not guess.

# %%
widgets.who_is_who_table(case)

# %% [markdown]
# The next task is a stakeholder map. Drag each stakeholder from the tray onto the map – higher up the more
# power, further right the more interest – or use the keyboard (Tab, Enter, the arrow keys and Enter).
# Every placement is saved at once. Below the map you see the relations in the case: who started the
# project, who leads it, and who is not part of it.

# %%
widgets.stakeholder_map(case, store)

# %% [markdown]
# Would you like to show the class where you placed yourself? The instructor sees only the class's overall
# spread – not who answered what.

# %%
widgets.share_control(case, store)

# %%
widgets.decision_point(case, store)

# %%
widgets.navigation(case, notebook="01_del1")
