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
# # Co-creation – an interactive case
#
# Welcome. In this case you follow two management consultants, Kim and Sanne, who are to get schools,
# day-care, youth clubs and local associations to create welfare together. You read the case, map the
# stakeholders, take a position on the dilemmas and write your own proposal.
#
# **How to do it:** In JupyterLab, choose **Run → Run All Cells** in the menu at the top each time you open
# a notebook. In the Voilà app (the case as a page without code) there is no menu: the page runs by itself
# when it opens. You do not write any code – you only read and answer in the fields below the cells.
#
# **There is no answer key.** The case's authors write themselves that "such a thing quite simply does not
# exist". What counts is that you justify your answers with the case.
#
# **Danish names.** The case takes place in a Danish municipality. Danish institution names (such as
# *dagtilbud*, day-care, or *klub*, youth club) are explained in a glossary, shown with the text where they
# occur.
#
# ## How your answers are saved
# Everything you write or choose is saved at once in the folder named on the line under the first code cell
# below, once that cell has run ("Your answers are saved automatically in …"). Often that is the folder
# `answers/` beside the Danish notebooks (one folder up), but on a JupyterHub it may be elsewhere. Every
# earlier version is kept too, so nothing is lost, even if you close the tab or restart. The Danish and
# English notebooks share it: switch language whenever you like, and your answers come along.
#
# **On Binder** everything is deleted when the session closes (after about ten minutes without activity). So
# download your answers as a file in `06_handin` as you go. In a new session you can upload the file
# again and carry on.
#
# **One notebook at a time.** In JupyterLab each open notebook has its own kernel, and each kernel uses
# memory: 60–150 MB, 700–800 MB for all seven. Binder does not have much memory to spare, so close a
# notebook's tab when you are done with it, and go on with the link at the bottom: its kernel then shuts down
# too. Your answers are saved already. In the Voilà app the pages you have left close by themselves after a
# couple of minutes.
#
# ## The way through the case
# 1. `01_part1` – read part 1, make a stakeholder map, and take a position at the decision point
# 2. `02_part2` – read part 2, and see where the goals diverge
# 3. `03_ethics` – the three ethical dilemmas
# 4. `04_questions` – the case's ten reflection questions
# 5. `05_proposal` – write Kim and Sanne's minutes and proposal
# 6. `06_handin` – look through your answers, and download them as a file

# %% [markdown]
# **Language / Sprog** – choose English or Danish; the notebooks in this folder are in English.
# *Vælg dansk eller engelsk; de danske notebooks ligger i mappen over* `en/`.

# %%
from casekit import widgets

widgets.language(lang="en")

# %%
case, store = widgets.start(lang="en")
widgets.progress(case, store, notebook="00_start")

# %%
widgets.journey(case, store)

# %% [markdown]
# ## The case
# Here is the whole case. You read part 1 and part 2 again in the next notebooks, where you also work with
# them.

# %%
case

# %%
widgets.navigation(case, notebook="00_start")
