"""The activities after the map: the decision point, the goal divergence, the dilemmas, the reflection
questions and the capstone proposal.

Each takes a :class:`~casekit.case.Case` and an :class:`~casekit.answers.AnswerStore`, restores the
learner's saved answer, saves every change (:class:`~casekit.widgets.base.Saver`) and follows imports.
Controls are chosen for keyboard use and screen readers: dropdowns, radio buttons, checkboxes and text boxes
with visible labels read in full (never cut with "…"), no sliders (their handle has no accessible name in
ipywidgets 8) and nothing drag-only.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import ipywidgets as W
from IPython.display import HTML

from casekit import registry
from casekit.answers import AnswerStore
from casekit.case import Case
from casekit.i18n import t
from casekit.naming import stakeholder_names
from casekit.registry import SCALE
from casekit.widgets.base import (
    FILL,
    LABEL_WIDTH,
    UNSET,
    WIDE,
    Activity,
    Checklist,
    Saver,
    field,
    guarded,
    heading,
    intro,
    load_text,
    message,
    on_scale,
    paragraph,
    piece,
    scale_dropdown,
    textarea,
)

__all__ = [
    "DECISION_KEY",
    "GOALS_KEY",
    "PLAN_KEY",
    "PROPOSAL_FIELDS",
    "decision_point",
    "dilemma",
    "goal_divergence",
    "proposal",
    "questions",
]

# Answer keys, as the answer registry (casekit.registry) defines them.
DECISION_KEY = registry.DECISION_POINT
GOALS_KEY = registry.GOAL_DIVERGENCE
PLAN_KEY = registry.PARTICIPATION_PLAN
PROPOSAL_FIELDS = tuple(key.partition(".")[2] for key in registry.PROPOSAL_TEXTS)


# -- decision point ------------------------------------------------------------------------------------------
def decision_point(case: Case, store: AnswerStore | None) -> Activity:
    """Kim and Sanne's choice in part 1: the learner chooses and justifies.

    Saved under ``decision-point`` as ``{"choice": option id or None, "justification": text}``.
    """
    lang = case.lang
    saver = Saver(store, case)
    saved = saver.restore(DECISION_KEY) or {}
    options = dict(case.activity(DECISION_KEY).get("options") or {})
    choice = field(
        W.RadioButtons(
            options=[(str(label), key) for key, label in options.items()],
            value=saved.get("choice") if saved.get("choice") in options else None,
            description=t("widgets.decision.choice", lang),
            style=LABEL_WIDTH,
            layout=FILL,
        )
    )
    justification = textarea(t("widgets.decision.justification", lang), str(saved.get("justification") or ""))
    prompt = case.activity(DECISION_KEY).get("prompt")

    @guarded(lang, saver.status)
    def changed(_change: Any = None) -> None:
        saver.save(DECISION_KEY, {"choice": choice.value, "justification": justification.value})

    def load(value: Mapping[str, Any]) -> None:
        choice.value = value.get("choice") if value.get("choice") in options else None
        justification.value = str(value.get("justification") or "")

    saver.follow(DECISION_KEY, load)
    choice.observe(changed, names="value")
    justification.observe(changed, names="value")
    children = [*intro(case, DECISION_KEY), choice]
    if prompt:
        children.append(paragraph(str(prompt)))
    children += [justification, saver.bar]
    return Activity(DECISION_KEY, children, {"choice": choice, "justification": justification}, saver.status)


# -- goal divergence -----------------------------------------------------------------------------------------
def _quotes_html(case: Case, actor_id: str) -> str:
    quotes = [{"text": b.quoted, "ref": case.cite(b.ref)} for b in case.utterances if b.speaker == actor_id]
    return piece("quotes", items=quotes)


def goal_divergence(case: Case, store: AnswerStore | None) -> Activity:
    """Place each speaking actor between "one common goal" and "room for different goals".

    The quotes that are the evidence stand beside each actor. Saved under ``goal-divergence`` as
    ``{actor id: 1–5}``.
    """
    from casekit import charts

    lang = case.lang
    config = case.activity(GOALS_KEY)
    saver = Saver(store, case)
    saved = saver.restore(GOALS_KEY) or {}
    speakers = [a for a in case.actors if a.speaks]
    labels = {n: str(n) for n in SCALE}
    labels[1] = t("widgets.goals.point", lang, n=1, text=config.get("left", ""))
    labels[5] = t("widgets.goals.point", lang, n=5, text=config.get("right", ""))
    inputs: dict[str, W.Widget] = {}
    rows: list[W.Widget] = []
    for actor in speakers:
        control = field(
            scale_dropdown(
                t("widgets.goals.position", lang, name=actor.name),
                labels,
                saved.get(actor.id),
                lang,
                layout=W.Layout(width="30em", max_width="100%"),
                style={"description_width": "10em"},
            )
        )
        inputs[actor.id] = control
        rows.append(
            W.VBox(
                [
                    heading(actor.name, 3),
                    W.HBox(
                        [control, W.HTML(_quotes_html(case, actor.id), layout=W.Layout(flex="1 1 24em"))],
                        layout=W.Layout(flex_flow="row wrap", width="100%"),
                    ),
                ]
            )
        )

    def draw(value: Mapping[str, int]) -> str:
        return charts.goal_divergence(case, value).to_html() + charts.goal_spread(case, [value]).to_html()

    chart = W.HTML(draw(saved), layout=WIDE)

    @guarded(lang, saver.status)
    def changed(_change: Any = None) -> None:
        if saver.loading:  # :func:`load` draws once at the end
            return
        value = {actor_id: control.value for actor_id, control in inputs.items() if control.value in SCALE}
        saver.save(GOALS_KEY, value)
        chart.value = draw(value)

    def load(value: Mapping[str, Any]) -> None:
        for actor_id, control in inputs.items():
            control.value = on_scale(value.get(actor_id))
        chart.value = draw({k: v for k, v in value.items() if k in inputs})

    saver.follow(GOALS_KEY, load)
    for control in inputs.values():
        control.observe(changed, names="value")
    return Activity(
        GOALS_KEY, [*intro(case, GOALS_KEY), *rows, saver.bar, chart], inputs, saver.status, chart
    )


# -- dilemmas ------------------------------------------------------------------------------------------------
PREVIEW_WORDS = 12
"""How many words of a paragraph its checkbox shows, after the reference the edition cites it by."""


def _paragraph_options(case: Case) -> list[tuple[str, str]]:
    """The paragraphs of the case's parts a learner can cite: (label, ``del-1 ¶3``), the label the
    edition's reference and the paragraph's first words."""
    options = []
    for section in case.sections:
        if section.part is None:
            continue
        for blocks in section.paragraphs:
            ref = blocks[0].ref
            words = case.paragraph_text(ref).split()
            preview = " ".join(words[:PREVIEW_WORDS]) + (" …" if len(words) > PREVIEW_WORDS else "")
            options.append((t("widgets.dilemma.paragraph", case.lang, ref=case.cite(ref), text=preview), ref))
    return options


def dilemma(case: Case, store: AnswerStore | None, n: int) -> Activity | HTML:
    """Ethical dilemma ``n`` (1–3): a position between two poles the learner can rename, a justification
    citing case paragraphs, and "whose voice is missing?".

    Saved under ``dilemma-<n>`` as ``{"position", "left", "right", "justification", "paragraphs",
    "missing_voices"}``.
    """
    lang = case.lang
    key = registry.DILEMMAS[n - 1] if 1 <= n <= len(registry.DILEMMAS) else f"dilemma-{n}"
    config = (case.activity("dilemmas") or {}).get(key)
    if not isinstance(config, Mapping):
        return message(t("widgets.dilemma.unknown", lang, n=n))
    saver = Saver(store, case)
    saved = saver.restore(key) or {}
    question = case.question(str(config["question"]))
    left = field(
        W.Text(
            value=str(saved.get("left") or config.get("left", "")),
            description=t("widgets.dilemma.left", lang),
        ),
        above=True,
    )
    right = field(
        W.Text(
            value=str(saved.get("right") or config.get("right", "")),
            description=t("widgets.dilemma.right", lang),
        ),
        above=True,
    )
    position = field(
        W.Dropdown(
            description=t("widgets.dilemma.position", lang),
            style=LABEL_WIDTH,
            layout=W.Layout(width="40em", max_width="100%"),
        )
    )
    refs = _paragraph_options(case)
    known_refs = {ref for _label, ref in refs}
    paragraphs = Checklist(
        refs,
        [r for r in saved.get("paragraphs") or [] if r in known_refs],
        t("widgets.dilemma.paragraphs", lang),
    )
    justification = textarea(t("widgets.dilemma.justification", lang), str(saved.get("justification") or ""))
    missing = textarea(t("widgets.dilemma.missing", lang), str(saved.get("missing_voices") or ""), rows=3)

    def position_options() -> list[tuple[str, int]]:
        names = {
            1: t("widgets.dilemma.point_left", lang, pole=left.value),
            3: t("widgets.dilemma.point_middle", lang),
            5: t("widgets.dilemma.point_right", lang, pole=right.value),
        }
        return [(t("widgets.unset", lang), UNSET)] + [(names.get(v, str(v)), v) for v in SCALE]

    position.options = position_options()
    position.value = on_scale(saved.get("position"))
    relabelling = False

    def value() -> dict[str, Any]:
        return {
            "position": position.value or None,
            "left": left.value,
            "right": right.value,
            "justification": justification.value,
            "paragraphs": list(paragraphs.value),
            "missing_voices": missing.value,
        }

    @guarded(lang, saver.status)
    def changed(change: Any = None) -> None:
        nonlocal relabelling
        if relabelling:
            return
        if change is not None and change.get("owner") in (left, right):
            relabelling = True  # new pole names: relabel the scale without losing the chosen point
            try:
                chosen = position.value
                position.options = position_options()
                position.value = chosen
            finally:
                relabelling = False
        saver.save(key, value())

    def load(saved: Mapping[str, Any]) -> None:
        left.value = str(saved.get("left") or config.get("left", ""))
        right.value = str(saved.get("right") or config.get("right", ""))
        position.options = position_options()
        position.value = on_scale(saved.get("position"))
        paragraphs.value = tuple(r for r in saved.get("paragraphs") or [] if r in known_refs)
        justification.value = str(saved.get("justification") or "")
        missing.value = str(saved.get("missing_voices") or "")

    saver.follow(key, load)
    for control in (left, right, position, paragraphs, justification, missing):
        control.observe(changed, names="value")
    children = [
        heading(t("widgets.dilemma.heading", lang, n=n)),
        W.HTML(piece("quoted_question", text=question.text), layout=WIDE),
        paragraph(str(case.activity("dilemma").get("intro", ""))),
        left,
        right,
        position,
        justification,
        paragraphs,
        missing,
        saver.bar,
    ]
    inputs = {
        "left": left,
        "right": right,
        "position": position,
        "justification": justification,
        "paragraphs": paragraphs,
        "missing_voices": missing,
    }
    return Activity(key, children, inputs, saver.status)


# -- reflection questions ------------------------------------------------------------------------------------
def questions(case: Case, store: AnswerStore | None, group: str | None = None) -> Activity | HTML:
    """One text box per reflection question, under the three group headings (or one group).

    Each answer is saved under its question id, e.g. ``organisering-1``.
    """
    lang = case.lang
    groups = case.question_groups
    if group is not None:
        groups = tuple(g for g in groups if g.id == group)
        if not groups:
            return message(
                t(
                    "widgets.questions.unknown_group",
                    lang,
                    group=group,
                    groups=", ".join(g.id for g in case.question_groups),
                )
            )
    children: list[W.Widget] = []
    opening = case.activity("questions").get("intro")
    if opening:
        children.append(paragraph(str(opening)))
    inputs: dict[str, W.Widget] = {}
    statuses: list[W.HTML] = []
    for question_group in groups:
        children.append(heading(question_group.heading))
        for question in question_group.questions:
            saver = Saver(store, case)
            saved = saver.restore(question.id)
            box = textarea(
                t("widgets.question_label", lang, n=question.number), saved if isinstance(saved, str) else ""
            )
            box.placeholder = t("widgets.your_answer", lang)

            def changed(change: Any, _key: str = question.id, _saver: Saver = saver) -> None:
                _saver.save(_key, change["new"])

            box.observe(guarded(lang, saver.status)(changed), names="value")
            saver.follow(question.id, functools.partial(load_text, box))
            inputs[question.id] = box
            statuses.append(saver.status)
            children += [
                W.HTML(piece("question", number=question.number, text=question.text), layout=WIDE),
                box,
                saver.bar,
            ]
    status = statuses[0] if statuses else W.HTML()
    return Activity("questions", children, inputs, status, statuses=statuses)


# -- capstone ------------------------------------------------------------------------------------------------
def proposal(case: Case, store: AnswerStore | None) -> Activity:
    """Kim and Sanne's task: minutes, where the goals overlap, a proposal for the process, and a
    participation plan (each stakeholder × inform / consult / involve / collaborate / empower).

    Saved under ``proposal.minutes``, ``proposal.overlap``, ``proposal.process`` (text) and
    ``proposal.participation`` (``{actor id: level}``; the learner's own stakeholders from their map by
    their map keys, ``own-1``…).
    """
    lang = case.lang
    config = case.activity("proposal")
    fields = dict(config.get("fields") or {})
    levels = dict(config.get("levels") or {})
    inputs: dict[str, W.Widget] = {}
    children: list[W.Widget] = list(intro(case, "proposal"))
    statuses = []
    for name in PROPOSAL_FIELDS:
        key = f"proposal.{name}"
        saver = Saver(store, case)
        saved = saver.restore(key)
        children.append(heading(str(fields.get(name, name)), 3))
        box = textarea(str(fields.get(name, name)), saved if isinstance(saved, str) else "", rows=8)

        def changed(change: Any, _key: str = key, _saver: Saver = saver) -> None:
            _saver.save(_key, change["new"])

        box.observe(guarded(lang, saver.status)(changed), names="value")
        saver.follow(key, functools.partial(load_text, box))
        inputs[key] = box
        statuses.append(saver.status)
        children += [box, saver.bar]

    saver = Saver(store, case)
    saved = saver.restore(PLAN_KEY) or {}
    options = [(t("widgets.unset", lang), "")] + [(str(label), level) for level, label in levels.items()]
    children += [
        heading(t("widgets.proposal.plan_heading", lang), 3),
        paragraph(t("widgets.proposal.plan_hint", lang)),
    ]
    plan: dict[str, W.Dropdown] = {}
    # The case's stakeholders, then the learner's own from their map ("Lærerne (din egen)"), as the map
    # promises: they go wherever the case's go.
    names = stakeholder_names(case, store.get(registry.STAKEHOLDER_MAP) if store is not None else None)
    for key, name in names.items():
        control = field(
            W.Dropdown(
                options=options,
                value=saved.get(key) if saved.get(key) in levels else "",
                description=name,
                style={"description_width": "16em"},
                layout=W.Layout(width="34em", max_width="100%"),
            )
        )
        plan[key] = control
        inputs[f"{PLAN_KEY}.{key}"] = control
        children.append(control)
    # A level given to an own stakeholder the map no longer names stays in the answer, unshown.
    kept = {key: level for key, level in saved.items() if key not in plan}

    @guarded(lang, saver.status)
    def plan_changed(_change: Any = None) -> None:
        saver.save(PLAN_KEY, {**kept, **{key: c.value for key, c in plan.items() if c.value}})

    def load_plan(value: Mapping[str, Any]) -> None:
        kept.clear()  # the levels of the loaded answer the map no longer names are what a change keeps now
        kept.update({key: level for key, level in value.items() if key not in plan})
        for actor_id, control in plan.items():
            control.value = value.get(actor_id) if value.get(actor_id) in levels else ""

    saver.follow(PLAN_KEY, load_plan)
    for control in plan.values():
        control.observe(plan_changed, names="value")
    children.append(saver.bar)
    return Activity("proposal", children, inputs, saver.status, statuses=[*statuses, saver.status])
