"""Helpers shared by the metrics tests."""

from __future__ import annotations

import pandas as pd

from engine_data import fig, make_report


def row(frame: pd.DataFrame, column: str, key: str) -> pd.Series:
    (index,) = frame.index[frame[column] == key]
    return frame.loc[index]


def target(fid: str, value: float, section: str = "一") -> dict:
    return fig(fid, "target_households", value, qualifier="target", section=section)


def targets_report(achievements: list[dict], figures: list[dict], value: float = 100) -> object:
    return make_report(
        [target("F001", value), *figures],
        targets=[
            {
                "target_id": "t",
                "section": "一",
                "label_zh": "目标",
                "label_en": "Target",
                "target_figure_id": "F001",
            }
        ],
        target_achievements=achievements,
    )
