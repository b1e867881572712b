"""The class report: one standalone HTML page of the class's spread of views, without names.

:func:`render_report` turns a :class:`~casekit.classroom.summary.ClassSummary` into the page
(``casekit/templates/class_report.html.j2``): first the overview (every stakeholder on one grid) and the
contents, then the details: the goal placements per round and how the class moved between rounds, the
dilemmas, the decision, the participation plan as a heat table, how many answered each question, a chart
per stakeholder placed, optionally the text answers under anonymous labels, and the files skipped. A
projection mode is for the classroom screen: every chart fits it. No scripts, no external resources.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import TYPE_CHECKING, Any

from casekit import registry
from casekit.classroom.summary import OWN_GROUP, OWN_SPREAD_MIN, ClassSummary, Placed
from casekit.i18n import t
from casekit.naming import activity_title, answer_title

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["render_report"]


def _latest_per_learner(frame: pd.DataFrame, summary: ClassSummary) -> pd.DataFrame:
    """Each learner's rows from the latest round the learner answered in (for the charts beside the goals)."""
    if frame.empty:
        return frame
    rank = {r: n for n, r in enumerate(summary.rounds)}
    answered = summary.answered[summary.answered["answered"]]
    last = answered.assign(rank=answered["round"].map(rank)).groupby("learner")["rank"].max()
    wanted = frame["round"].map(rank) == frame["learner"].map(last)
    return frame[wanted]


def _one_map_each(placed: list[Placed]) -> list[dict[str, dict[str, Any]]]:
    """The stakeholders of ``placed`` as one stakeholder map per learner, as the overview takes them: the
    learners' own stakeholders each under its own ``own-N`` key (each :class:`Placed` calls its own
    ``own-1``), so every one the report shows is on the overview, and no other."""
    maps: list[dict[str, dict[str, Any]]] = []
    own = 0
    for one in placed:
        if one.own:
            own += 1
        for n, answer in enumerate(one.answers):
            if n == len(maps):
                maps.append({})
            for key, place in answer.items():
                maps[n][registry.own_stakeholder_key(own) if one.own else key] = dict(place)
    return maps


def _heat(summary: ClassSummary, plan: pd.DataFrame) -> dict[str, Any]:
    """The participation plan as a heat table: stakeholder × IAP2 level, counts and tints."""
    lang, case = summary.lang, summary.case
    labels = case.activity("proposal").get("levels") or {}
    levels = [(lvl, str(labels.get(lvl) or t(f"class.level.{lvl}", lang))) for lvl in registry.LEVELS]
    counts = Counter(zip(plan["actor"], plan["level"], strict=True)) if not plan.empty else Counter()
    peak = max(counts.values(), default=1)
    # The case's stakeholders, then those the learners added that several of them planned (a name only one
    # learner typed could tell who), most planned first.
    named = [(actor.id, actor.name) for actor in case.actors]
    if not plan.empty:
        own = plan[plan["actor"].str.startswith(OWN_GROUP)].drop_duplicates(["learner", "actor"])
        often = own.groupby("actor").agg(name=("name", "first"), n=("learner", "size"))
        often = often[often["n"] >= OWN_SPREAD_MIN].sort_values("n", ascending=False, kind="stable")
        named += list(often["name"].items())
    rows = []
    for key, name in named:
        cells = [counts.get((key, lvl), 0) for lvl, _ in levels]
        if not any(cells):
            continue
        rows.append(
            {
                "name": name,
                "n": sum(cells),
                "cells": [
                    {
                        "count": c,
                        "alpha": f"{0.08 + 0.55 * c / peak:.2f}" if c else "0",
                        "top": c == max(cells),
                    }
                    for c in cells
                ],
            }
        )
    return {"levels": [label for _, label in levels], "rows": rows}


def render_report(summary: ClassSummary, *, with_text: bool = False, projection: bool = False) -> str:
    """The class report as one standalone HTML page: the spread of views, without names.

    Parameters
    ----------
    summary : ClassSummary
        From :func:`summarize`.
    with_text : bool
        Also show the text answers (each under its anonymous label, escaped).
    projection : bool
        For the classroom screen: large type, high contrast, one chart per screen, each as large as fits
        the screen and never taller (body class ``casekit-projection``).

    Returns
    -------
    str
        The HTML document (``casekit/templates/class_report.html.j2``); no scripts, no external resources.
    """
    from markupsafe import Markup

    from casekit import charts
    from casekit._templates import render

    def html(chart: charts.Chart) -> Markup:
        return Markup(chart.to_html())  # built from an autoescaped template: it is markup already

    case, lang = summary.case, summary.lang
    latest_st = _latest_per_learner(summary.stakeholders, summary)
    placed = summary.placed(latest_st)
    overview = html(charts.stakeholder_overview(case, _one_map_each(placed)))
    stakeholders = [{"name": p.name, "html": html(p.chart(case))} for p in placed]
    goal_charts = []
    for rnd in summary.rounds:
        goals = summary.goals[summary.goals["round"] == rnd]
        if goals.empty:
            continue
        sets: dict[str, dict[str, int]] = {}
        for who, actor, position in goals[["learner", "actor", "position"]].itertuples(
            index=False, name=None
        ):
            sets.setdefault(who, {})[actor] = int(position)
        goal_charts.append(
            {
                "round": summary.round_names[rnd],
                "html": html(charts.goal_spread(case, list(sets.values()))),
            }
        )
    moves = []
    with_positions = [
        r
        for r in summary.rounds
        if (summary.goals["round"] == r).any() or (summary.dilemmas["round"] == r).any()
    ]
    for first, second in itertools.pairwise(with_positions):
        moves.append(
            {
                "heading": t(
                    "class.moves.heading",
                    lang,
                    first=summary.round_names[first],
                    second=summary.round_names[second],
                ),
                "charts": [html(chart) for chart in summary.move_charts(first, second)],
            }
        )
    dil = _latest_per_learner(summary.dilemmas, summary)
    dil_sets: dict[str, dict[str, int]] = {}
    for who, key, position in dil[["learner", "dilemma", "position"]].itertuples(index=False, name=None):
        dil_sets.setdefault(who, {})[key] = int(position)
    dilemma_chart = html(charts.dilemma_spread(case, list(dil_sets.values()))) if dil_sets else None
    dec = _latest_per_learner(summary.decisions, summary)
    decided = {
        who: choice if isinstance(choice, str) else None  # pandas may hold "not answered" as NaN
        for who, choice in dec[["learner", "choice"]].itertuples(index=False, name=None)
    }
    choices = [decided.get(who) for who in summary.learners]
    decision_chart = html(charts.decision_split(case, choices))
    plan = _latest_per_learner(summary.participation, summary)
    answered = _latest_per_learner(summary.answered, summary)
    counts = answered[answered["answered"]].groupby("key")["learner"].nunique().to_dict()
    count_chart = html(
        charts.answer_counts(
            case, {k: int(counts.get(k, 0)) for k in registry.answer_keys(case)}, len(summary.learners)
        )
    )
    texts = _text_sections(summary) if with_text else []
    skipped_first, skipped_more, skipped_counts = summary.skipped_digest()
    return render(
        "class_report.html.j2",
        lang=lang,
        kind="report casekit-projection" if projection else "report",
        title=t("class.report.title", lang, case=case.title),
        projection=projection,
        text=_Words(lang),
        intro=t(
            "class.report.intro",
            lang,
            learners=len(summary.learners),
            files=summary.files,
            skipped=len(summary.skipped),
        ),
        rounds=[summary.round_names[r] for r in summary.rounds],
        overview=overview,
        stakeholders=stakeholders,
        goal_charts=goal_charts,
        moves=moves,
        dilemma_chart=dilemma_chart,
        decision_chart=decision_chart,
        heat=_heat(summary, plan),
        count_chart=count_chart,
        with_text=with_text,
        texts=texts,
        skipped=summary.skipped,
        skipped_first=skipped_first,
        skipped_more=skipped_more,
        skipped_counts=skipped_counts,
        stopped=summary.stopped,
    )


def _text_sections(summary: ClassSummary) -> list[dict[str, Any]]:
    """The text answers, one section per question or part, each answer under its anonymous label.

    A section's title is the answer's name (:mod:`casekit.naming`): a question as "3. <its text>", a part
    of an activity as "<activity> · <part>" in the report's language.
    """
    case, lang = summary.case, summary.lang
    questions = {q.id for q in case.questions}
    order = {k: n for n, k in enumerate(registry.answer_keys(case))}
    by_key: dict[str, list[dict[str, str]]] = {}
    several = len(summary.rounds) > 1
    for who, rnd, key, text in summary.texts[["learner", "round", "key", "text"]].itertuples(
        index=False, name=None
    ):
        shown_round = summary.round_names[rnd] if several else ""
        by_key.setdefault(key, []).append({"learner": who, "round": shown_round, "text": text})
    sections = []
    for key in sorted(by_key, key=lambda k: (order.get(k.partition(".")[0], order.get(k, 99)), k)):
        title = answer_title(case, key) if key in questions else activity_title(key, lang, case)
        sections.append({"title": title, "answers": by_key[key]})
    return sections


class _Words:
    """The catalog for the template: ``text("class.report.x")`` in the report's language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)
