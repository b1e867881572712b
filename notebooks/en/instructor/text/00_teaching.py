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
# # For the instructor: co-creation in the area of children and young people
# This notebook is your plan for a 90-minute session. In JupyterLab: choose **Run → Run All Cells** (in Voilà the page runs by itself). The case has no answer
# key – the authors write themselves that *"we have not prepared an answer key, for such a thing quite simply
# does not exist"*. What you find here are lenses and questions, not solutions.

# %%
from casekit import teaching, widgets

case = teaching.load(lang="en")

# %% [markdown]
# ## Learning goals
# After the session the students can
# - **identify** the actors in the case – also those who are only talked about (children and young people,
#   families, volunteers, politicians) – and justify how they place them by power and interest;
# - **show with the text** where the goals diverge, and tell what the text says from what it does not
#   state;
# - **analyse** the project leaders' choice between steering the process and starting from the participants'
#   interests, with at least one of the theoretical frameworks below;
# - **take a position** on the three ethical dilemmas and ask whose voice is missing;
# - **formulate** a proposal for the process ahead with a participation plan for each stakeholder – and say
#   what the proposal gains and what it risks.

# %% [markdown]
# ## Session plan (90 minutes)
# | time | what | notebook · activity · question |
# |---|---|---|
# | 0–10 | Reading part 1 (alone). Ask them to notice who speaks, and who is spoken about. | `01_part1` · read part 1 |
# | 10–25 | The stakeholder map in pairs: power × interest, also for those who are not at the table. | `01_part1` · stakeholder map · questions `organisering-1` and `organisering-3` |
# | 25–35 | The decision point: steer the process or start from the interests? First vote in the class view (round "before"). | `01_part1` · the decision point · `maalstyring-1` |
# | 35–45 | Reading part 2 (alone). | `02_part2` · read part 2 |
# | 45–55 | Where do the goals diverge? Each student places the people, with the quotes as evidence. | `02_part2` · common goals or different goals · `maalstyring-2` and `maalstyring-4` |
# | 55–75 | Role-play of the next workshop with the role cards (see below); the empty chair stays empty at the table. | the role cards · `maalstyring-3` |
# | 75–85 | The ethical dilemmas after the role-play; round "after" in the class view. | `03_ethics` · dilemmas 1–3 · `etik-1`, `etik-2`, `etik-3` |
# | 85–90 | Summing up and homework: Kim and Sanne's minutes and proposal; hand-in. | `05_proposal` · `06_handin` · `organisering-2` |
#
# If there is less time, skip the role-play, and use the role cards as reading cards in 45–55.

# %% [markdown]
# ## Board plan
# - **Left board – the map:** a large power × interest map. The students put up the names; those who are not
#   at the table (children and young people, families with children, volunteers, politicians) are written in
#   another colour. Leave the placements up for the whole session.
# - **Middle – the quotes:** two columns, *"One common goal"* and *"Room for different goals"*. Only the
#   case's own words go here, with their paragraph (e.g. "Part 2 ¶2"), not the students' interpretations.
# - **Right board – what the text does not say:** a list of what the case leaves open (which director leads
#   which area, which of Anne, Martin, Birgit and Karen lead youth clubs and which lead day-care, whether the
#   music club leader is the music school's representative …). Use it when someone guesses.
# - **The projector:** the class view (see below) with the rounds "before" and "after", and the role cards
#   during the role-play.

# %% [markdown]
# ## Discussion moves for each activity
# Questions and lenses – not answers. For when the class agrees too quickly, when one voice fills the whole
# room, and when nobody speaks for the children, young people and families who are not there.
#
# **The stakeholder map (`01_part1`)**
# - *Agreeing too quickly:* "Whom have you placed highest in power – and where in the text does it say so?
#   What would change if you let the politicians or the directors move?"
# - *One voice dominates:* "Put your two maps side by side. Where are you furthest apart, and what in the
#   text do you read differently?"
# - *Nobody speaks for those who are absent:* "Where have you put the children and young people? Do they have
#   power over the project – and who has decided that they are not part of it?"
#
# **The decision point (`01_part1`)**
# - *Agreeing too quickly:* "What do Kim and Sanne gain by steering the process, and what do they risk? And
#   the other way round?"
# - *One voice dominates:* "If you were one of those who wrote their interests in the e-mails, how would you
#   experience each of the two paths?"
# - *Nobody speaks for those who are absent:* "Whose interests are in the pile of papers on the table, and
#   whose are not?"
#
# **Common goals or different goals? (`02_part2`)**
# - *Agreeing too quickly:* "Place Jorun and Majbritt. What exactly in their words makes you put them there?
#   Can the quote be read in another way?"
# - *One voice dominates:* "Who in the case says least – and what do we actually know about their goals?"
# - *Nobody speaks for those who are absent:* "Children and young people are on the table as pictures. What
#   does that mean for who defines 'value for the children'?"
#
# **The role-play (the role cards)**
# - *Agreeing too quickly:* "Who at the table has most to lose by the goal you have just agreed on?"
# - *One voice dominates:* "Give the floor to the chair that has said least. What is on your card that you
#   have not said yet?"
# - *Nobody speaks for those who are absent:* Point to the empty chair: "What would the minutes say if that
#   chair were to read them?"
#
# **The ethical dilemmas (`03_ethics`)**
# - *Agreeing too quickly:* "Move the marker all the way over to the other side. Which argument from the case
#   could hold it there?"
# - *One voice dominates:* "Who has the power in this dilemma – and who bears the consequences?"
# - *Nobody speaks for those who are absent:* "Whose voice is missing in the justification? What would it
#   take for them to be part of it?"
#
# **Kim and Sanne's proposal (`05_proposal`)**
# - *Agreeing too quickly:* "Which level of participation have you given each stakeholder – and whom have
#   you promised most and least?"
# - *One voice dominates:* "Read the minutes aloud, as Jorun, as Majbritt and as the music club leader would
#   read them."
# - *Nobody speaks for those who are absent:* "Where in your plan do children, young people and families come
#   in, and at what level?"

# %% [markdown]
# ## The theory the case itself refers to
# All the references are in the case's introduction.

# %%
teaching.references_table(case)

# %% [markdown]
# ## The frameworks in the activities
# The frameworks the activities build on, and the lens each of them offers. Only one of them (Bryson, Crosby
# & Stone 2015) is cited in the case itself; the others are casekit's choice.

# %%
teaching.frameworks_table(case)

# %% [markdown]
# ## The role cards
# One card per chair at the table – the school leader's chair, the day-care chair, the museum chair and the
# others – and an empty chair for the children, young people and families who are not there. Each card shows
# who sits in the chair, the case's own words with their paragraph, what the text does not state, and the
# questions the player takes along. Print on A4: two cards per page.
# From a terminal: `casekit rolecards --lang en -o rolecards.html`.

# %%
teaching.rolecards_link(case)

# %% [markdown]
# ## The class view: the rounds "before" and "after"
# When the students share their answers, they are collected anonymously for the class: on a JupyterHub in
# casekit's class service (`CASEKIT_CLASS=hub`; only the course's instructors can see the class's views),
# elsewhere in the shared folder the environment variable `CASEKIT_CLASS` points to (the recipe is in
# casekit's documentation, docs/class-service.md in the source). The view below shows the spread in the class – where the placements lie, not who is right –
# and updates itself every 5 seconds while it is on the screen (or with the button). Use the round **"before"** before you discuss an activity, and the round
# **"after"** when you have discussed it: the difference between the two is a good starting point for the
# question "what made you move – or stay?".
# Anonymous means without names, but the view is live: someone who sees one student press "Share with the
# class" and a new point appear right after can link the two. So let the whole class share at once, and show
# the view when most have shared.

# %% [markdown]
# Is the view going up on the screen? Turn on projection mode: large type and the figures across the whole
# width of the screen, one at a time.

# %%
widgets.projection(case)

# %%
widgets.class_view(case)

# %% [markdown]
# ## After the session
# Download the hand-ins from the LMS as one zip file, and make a report of the class's answers that can be
# shown on the projector next time:
#
# ```
# casekit class summarize <LMS-zip> --lang en -o report.html --projection
# ```
#
# Use the report as a starting point for the next conversation – it shows the spread, not an answer key.
