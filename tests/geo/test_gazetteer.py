"""The offline gazetteer: unit names from the centres table, accents and abbreviations ignored."""

from __future__ import annotations

import pytest

from geo.gazetteer import GazetteerGeocoder, unit_names


@pytest.mark.parametrize(
    ("address", "label"),
    [
        ("Hạ Long", "Phường Hạ Long"),
        ("ha long", "Phường Hạ Long"),
        ("P. Hạ Long", "Phường Hạ Long"),
        ("Phường Hạ Long", "Phường Hạ Long"),
        ("PHUONG HA LONG, Quảng Ninh", "Phường Hạ Long"),
        ("Xã Ba Chẽ", "Xã Ba Chẽ"),
        ("xa ba che", "Xã Ba Chẽ"),
        ("X. Ba Chẽ", "Xã Ba Chẽ"),
        ("đặc khu cô tô", "Đặc khu Cô Tô"),
        ("12 Lê Thánh Tông, P. Hồng Gai, tỉnh Quảng Ninh", "Phường Hồng Gai"),
        ("Móng Cái 1", "Phường Móng Cái 1"),
    ],
)
async def test_a_unit_is_found_however_it_is_written(catalogue, address: str, label: str):
    place = await GazetteerGeocoder().locate(address)
    assert place is not None and place.label == label


@pytest.mark.parametrize("address", ["Phường Ba Chẽ", "Quảng Ninh", "Trung tâm Phục vụ hành chính công tỉnh", " , "])
async def test_a_wrong_kind_or_no_unit_is_not_found(catalogue, address: str):
    assert await GazetteerGeocoder().locate(address) is None


def test_a_prefix_names_one_kind_and_no_prefix_any_kind():
    assert unit_names("P. Hạ Long") == ["phuong ha long"]
    assert unit_names("Hạ Long") == ["phuong ha long", "xa ha long", "dac khu ha long"]
    assert unit_names("Phường") == []
