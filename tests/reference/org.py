"""The organisation tree: user -> team (membership in force on a day) -> parent team -> ... -> company.

SPEC section 3 and 10.2; metric_definitions.md "Organisation and weights".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .dates import ONE_DAY
from .keys import id_sort_key
from .quarantine import Record, ValidSource

ONE = Decimal(1)


@dataclass(frozen=True)
class Membership:
    """A user in a team on the days valid_from <= d < valid_to (valid_to None = open)."""

    user_id: str
    team_id: str
    valid_from: date
    valid_to: date | None
    weight: Decimal

    def in_force(self, day: date) -> bool:
        """SPEC 10.2: a membership is in force on day d when valid_from <= d < valid_to."""
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def clip(self, first: date, last: date) -> tuple[date, date] | None:
        """The days of [first, last] on which the membership is in force, as an inclusive range."""
        start = max(first, self.valid_from)
        end = last if self.valid_to is None else min(last, self.valid_to - ONE_DAY)
        return (start, end) if start <= end else None


class Organisation:
    """Teams, users and who belongs where on which day."""

    def __init__(self, valid: ValidSource) -> None:
        self.teams: dict[str, Record] = valid.teams
        self.users: dict[str, Record] = valid.users
        self.memberships: dict[str, list[Membership]] = self._memberships(valid)
        self._children: dict[str | None, list[str]] = defaultdict(list)
        for team_id, team in sorted(self.teams.items(), key=lambda item: id_sort_key(item[0])):
            self._children[team["parent_team_id"]].append(team_id)

    def _memberships(self, valid: ValidSource) -> dict[str, list[Membership]]:
        """A user's valid team_memberships rows (an empty weight is 1); a user with none has
        users.team_id, weight 1, for all time (SPEC 10.2)."""
        rows: dict[str, list[Membership]] = defaultdict(list)
        for row in valid.memberships:
            weight = row["weight"] if row["weight"] is not None else ONE
            rows[row["user_id"]].append(
                Membership(row["user_id"], row["team_id"], row["valid_from"], row["valid_to"], weight)
            )
        for user_id, user in valid.users.items():
            if user_id not in rows and user["team_id"] is not None:
                rows[user_id].append(Membership(user_id, user["team_id"], date.min, None, ONE))
        return dict(rows)

    def sorted_team_ids(self) -> list[str]:
        return sorted(self.teams, key=id_sort_key)

    def child_teams(self, team_id: str | None) -> list[str]:
        """Direct sub-teams of a team; for None (the company), the top-level teams."""
        return self._children.get(team_id, [])

    def path_to_top(self, team_id: str) -> list[str]:
        """[team, its parent, ..., its top-level team]."""
        path = [team_id]
        while (parent := self.teams[path[-1]]["parent_team_id"]) is not None:
            path.append(parent)
        return path

    def memberships_of(self, user_id: str) -> list[Membership]:
        return self.memberships.get(user_id, [])

    def memberships_in_force(self, user_id: str, day: date) -> list[Membership]:
        return [membership for membership in self.memberships_of(user_id) if membership.in_force(day)]

    def days_without_team(self, user_id: str, first: date, last: date) -> list[tuple[date, date]]:
        """The ranges of [first, last] that no membership of the user covers: SPEC 10.2 sends those
        days' credits straight to the company."""
        covered = sorted(
            span for membership in self.memberships_of(user_id) if (span := membership.clip(first, last)) is not None
        )
        gaps: list[tuple[date, date]] = []
        cursor = first
        for start, end in covered:
            if start > cursor:
                gaps.append((cursor, start - ONE_DAY))
            cursor = max(cursor, end + ONE_DAY)
        if first <= last and cursor <= last:
            gaps.append((cursor, last))
        return gaps

    def leaderboard_team(self, user_id: str, day: date) -> str | None:
        """SPEC 10.6: the membership in force on the day, highest weight first, then the row equal to
        users.team_id, then the lowest team id; None for a user with no team that day."""
        in_force = self.memberships_in_force(user_id, day)
        if not in_force:
            return None
        home_team = self.users[user_id]["team_id"]
        best = min(
            in_force,
            key=lambda membership: (
                -membership.weight,
                0 if membership.team_id == home_team else 1,
                id_sort_key(membership.team_id),
            ),
        )
        return best.team_id
