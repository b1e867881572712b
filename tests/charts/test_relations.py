"""The relations diagram (casekit.charts.relations): boxes, frames, arrows, key, alt text and table."""

from __future__ import annotations

from matplotlib.colors import to_rgba

from casekit import charts
from casekit.i18n import t

from .support import by_gid, figure_texts

# -- relations diagram ------------------------------------------------------------------------------------


class TestRelationsDiagram:
    """Who leads, reports to, sits in the project group, represents and interrupts; who is absent."""

    def test_every_related_and_absent_actor_has_a_box(self, case):
        """A box per actor in a relation or not at the table; the absent ones have dashed frames."""
        chart = charts.relations_diagram(case)
        related = {r.source for r in case.relations} | {r.target for r in case.relations}
        absent = [a for a in case.actors if not a.at_table]
        boxes = len(by_gid(chart, "casekit-node")) + len(by_gid(chart, "casekit-group"))
        assert boxes == len(related - {a.id for a in absent})
        dashed = by_gid(chart, "casekit-node-absent")
        assert len(dashed) == len(absent)
        assert all(box.get_linestyle() != "-" for box in dashed)

    def test_project_group_is_a_frame_around_its_members(self, case):
        """member_of is drawn as containment: the members' boxes lie inside the group's frame."""
        chart = charts.relations_diagram(case)
        (group,) = by_gid(chart, "casekit-group")
        frame = group.get_window_extent()
        members = {r.source for r in case.relations if r.type == "member_of"}
        labels = {a.get_label(): a for a in by_gid(chart, "casekit-node-label")}
        for actor_id in members:
            box = labels[actor_id].get_window_extent()
            assert frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1), actor_id

    def test_one_arrow_per_relation_not_drawn_as_a_frame(self, case):
        """Every relation but membership is an arrow, styled by its type."""
        chart = charts.relations_diagram(case)
        for kind in {r.type for r in case.relations} - {"member_of"}:
            expected = sum(r.type == kind for r in case.relations)
            assert len(by_gid(chart, f"casekit-edge-{kind}")) == expected, kind
        styles = {
            (to_rgba(a.get_edgecolor())[:3], str(a.get_linestyle()))
            for kind in ("leads", "reports_to", "represents", "interrupts", "initiated_by")
            for a in by_gid(chart, f"casekit-edge-{kind}")[:1]
        }
        assert len(styles) == 5  # no two types look alike

    def test_key_uses_the_case_labels(self, case):
        """The key names each relation type with the case's own label."""
        texts = figure_texts(charts.relations_diagram(case))
        assert "→ leder" in texts
        assert "→ afbryder" in texts
        assert t("chart.relations.legend_member", "da", relation="er medlem af") in texts
        assert t("chart.relations.legend_absent", "da") in texts

    def test_absent_actors_are_in_the_bottom_row(self, case):
        """Children, parents, citizens, volunteers and politicians sit below everyone else."""
        chart = charts.relations_diagram(case)
        lowest_present = min(b.get_window_extent().y0 for b in by_gid(chart, "casekit-node"))
        assert all(b.get_window_extent().y1 < lowest_present for b in by_gid(chart, "casekit-node-absent"))

    def test_alt_and_table(self, case):
        """The alt text states every relation as a sentence; the table has one row per relation."""
        chart = charts.relations_diagram(case)
        assert "Majbritt afbryder Sanne." in chart.alt
        assert "Kim leder Projektgruppen." in chart.alt
        assert "Ikke ved bordet (nederst, stiplet ramme): Børn og unge," in chart.alt
        assert list(chart.table.columns) == ["Fra", "Relation", "Til", "Belæg i teksten"]
        assert len(chart.table) == len(case.relations)
        assert chart.table.iloc[-1]["Relation"] == "afbryder"

    def test_mini_case(self, mini):
        """A case without groups or leaders still draws: two boxes, one arrow, one absent group."""
        chart = charts.relations_diagram(mini)
        assert len(by_gid(chart, "casekit-node")) == 2
        assert len(by_gid(chart, "casekit-node-absent")) == 1
        assert len(by_gid(chart, "casekit-edge-interrupts")) == 1
        chart.to_png(dpi=30)
