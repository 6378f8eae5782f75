"""Field paths: both forms exact, made once per field, map entries never kept."""

from __future__ import annotations

from manikit.kinds.field import ROOT, FieldPath, invalid


def test_a_field_path_is_made_once_and_shows_both_forms() -> None:
    first = ROOT.child("spec", "template").child("spec").child("containers").index(0).child("image")
    again = ROOT.child("spec").child("template", "spec", "containers").index(0).child("image")
    assert first is again
    assert first.text == "spec.template.spec.containers[0].image"
    assert first.data == ("spec", "template", "spec", "containers", 0, "image")
    assert ROOT.child("spec").index(1) is not ROOT.child("spec").index(0)


def test_map_entries_are_not_kept_and_paths_still_compare_by_value() -> None:
    limits = ROOT.child("spec").child("resources", "limits")
    entry = limits.key("cpu")
    assert entry is not limits.key("cpu") and entry == limits.key("cpu")
    assert entry.text == "spec.resources.limits[cpu]" and entry.data == ("spec", "resources", "limits", "cpu")
    assert "cpu" not in (limits._below or {})
    assert FieldPath().child("spec") == ROOT.child("spec")
    shown = entry.named(limits)
    assert (shown.text, shown.data) == ("spec.resources.limits", entry.data)
    assert (
        str(invalid(entry, "1x", "must be a quantity"))
        == 'spec.resources.limits[cpu]: Invalid value: "1x": must be a quantity'
    )
