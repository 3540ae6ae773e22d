"""Reading a meeting from a YAML file (`samen meeting create --file meeting.yaml`).

The file is read as YAML nodes, not plain data, so every error names the field and the line
it is on. Nothing is created unless the whole file is valid. The format is documented in
`docs/meeting.example.yaml` and the README.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.db.models import QuestionKind
from bot.i18n import Catalogs, find_language
from bot.services.checkins.schedules import ScheduleError, parse_offsets
from bot.services.intake.questions import (
    CHOICE_KINDS,
    DEFAULT_AFTER,
    DEFAULT_BEFORE,
    FREE_KINDS,
    MAX_OPTION,
    MAX_OPTIONS,
    MIN_OPTIONS,
    SCALE,
    QuestionDraft,
    check_scale,
    default_drafts,
    scale_options,
)
from bot.services.meetings import TextDraft

_DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S")
_QUESTION_FIELDS = {"kind", "text", "options", "required", "agenda", "scale"}
_SCALE = re.compile(r"^(\d{1,2})\s*[-–]\s*(\d{1,2})$")
_KINDS = {kind.value: kind for kind in QuestionKind}
_TOP = {
    "community",
    "language",
    "time_zone",
    "starts",
    "ends",
    "input_deadline",
    "online_url",
    "reminders",
    "texts",
    "questions",
    "followup_questions",
}


class MeetingFileError(ValueError):
    """What is wrong, which field, and on which line (1-based)."""

    def __init__(self, message: str, field: str, line: int | None):
        where = f" (line {line})" if line else ""
        super().__init__(f"{field}: {message}{where}")
        self.field = field
        self.line = line


@dataclass(frozen=True)
class MeetingFile:
    community: str
    source_locale: str
    time_zone: str | None
    starts_local: datetime
    ends_local: datetime | None
    input_deadline_local: datetime | None
    online_url: str | None
    texts: Mapping[str, TextDraft]
    questions: list[QuestionDraft]
    followup_questions: list[QuestionDraft]
    # Minutes before the start; None: the community's check-in schedule.
    reminder_offsets: tuple[int, ...] | None = None


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: Node, field: str) -> dict[str, tuple[Node, Node]]:
    if not isinstance(node, MappingNode):
        raise MeetingFileError("expected a mapping (key: value lines)", field, _line(node))
    out: dict[str, tuple[Node, Node]] = {}
    for key, value in node.value:
        if not isinstance(key, ScalarNode):
            raise MeetingFileError("keys must be plain words", field, _line(key))
        out[str(key.value)] = (key, value)
    return out


def _scalar(node: Node, field: str) -> str:
    if not isinstance(node, ScalarNode):
        raise MeetingFileError("expected a single value", field, _line(node))
    return str(node.value).strip()


def _required(fields: dict[str, tuple[Node, Node]], name: str, field: str, parent: Node) -> Node:
    if name not in fields:
        raise MeetingFileError(f"the field {name!r} is missing", field, _line(parent))
    return fields[name][1]


def _language(node: Node, field: str) -> str:
    tag = _scalar(node, field)
    language = find_language(tag)
    if language is None:
        raise MeetingFileError(f"unknown language {tag!r}", field, _line(node))
    return language.tag


def _datetime(node: Node, field: str) -> datetime:
    raw = _scalar(node, field)
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    raise MeetingFileError(
        f"{raw!r} is not a date and time like 2027-03-14 19:00", field, _line(node)
    )


def _by_language(node: Node, field: str) -> dict[str, Node]:
    return {
        _language(key, f"{field}.{name}"): value
        for name, (key, value) in _mapping(node, field).items()
    }


def _texts(node: Node) -> dict[str, TextDraft]:
    texts = {}
    for tag, value in _by_language(node, "texts").items():
        field = f"texts.{tag}"
        fields = _mapping(value, field)
        unknown = set(fields) - {"title", "description", "place"}
        if unknown:
            name = sorted(unknown)[0]
            raise MeetingFileError(f"unknown field {name!r}", field, _line(fields[name][0]))
        title = _scalar(_required(fields, "title", field, value), f"{field}.title")
        if not title:
            raise MeetingFileError("the title is empty", f"{field}.title", _line(value))
        texts[tag] = TextDraft(
            title=title,
            description=_scalar(fields["description"][1], f"{field}.description")
            if "description" in fields
            else "",
            place=_scalar(fields["place"][1], f"{field}.place") if "place" in fields else None,
        )
    if not texts:
        raise MeetingFileError("at least one language is needed", "texts", _line(node))
    return texts


def _questions(node: Node, field: str, catalogs: Catalogs, source: str) -> list[QuestionDraft]:
    if isinstance(node, ScalarNode) and node.value == "default":
        defaults = DEFAULT_BEFORE if field == "questions" else DEFAULT_AFTER
        return default_drafts(catalogs, defaults)
    if not isinstance(node, SequenceNode):
        raise MeetingFileError("expected a list of questions or 'default'", field, _line(node))
    drafts = []
    for index, item in enumerate(node.value, start=1):
        where = f"{field}[{index}]"
        fields = _mapping(item, where)
        kind_raw = _scalar(_required(fields, "kind", where, item), f"{where}.kind")
        kind = _KINDS.get(kind_raw)
        if kind is None:
            raise MeetingFileError(
                f"unknown kind {kind_raw!r}; one of {', '.join(_KINDS)}",
                f"{where}.kind",
                _line(fields["kind"][1]),
            )
        prompts_node = _required(fields, "text", where, item)
        prompts = {
            tag: _scalar(value, f"{where}.text.{tag}")
            for tag, value in _by_language(prompts_node, f"{where}.text").items()
        }
        if source not in prompts:
            raise MeetingFileError(
                f"no text in the meeting's language ({source})", f"{where}.text", _line(item)
            )
        unknown = set(fields) - _QUESTION_FIELDS
        if unknown:
            name = sorted(unknown)[0]
            raise MeetingFileError(f"unknown field {name!r}", where, _line(fields[name][0]))
        options: dict[str, list[str]] = {}
        if kind in CHOICE_KINDS:
            options_node = _required(fields, "options", where, item)
            for tag, value in _by_language(options_node, f"{where}.options").items():
                if not isinstance(value, SequenceNode) or not value.value:
                    raise MeetingFileError(
                        "expected a list of options", f"{where}.options.{tag}", _line(value)
                    )
                options[tag] = [_scalar(v, f"{where}.options.{tag}") for v in value.value]
                if not MIN_OPTIONS <= len(options[tag]) <= MAX_OPTIONS:
                    raise MeetingFileError(
                        f"expected {MIN_OPTIONS} to {MAX_OPTIONS} options",
                        f"{where}.options.{tag}",
                        _line(value),
                    )
                if any(not o or len(o) > MAX_OPTION for o in options[tag]):
                    raise MeetingFileError(
                        f"every option needs 1 to {MAX_OPTION} characters",
                        f"{where}.options.{tag}",
                        _line(value),
                    )
            counts = {len(v) for v in options.values()}
            if len(counts) > 1:
                raise MeetingFileError(
                    "every language needs the same number of options",
                    f"{where}.options",
                    _line(options_node),
                )
            if source not in options:
                raise MeetingFileError(
                    f"no options in the meeting's language ({source})",
                    f"{where}.options",
                    _line(options_node),
                )
        elif "options" in fields:
            raise MeetingFileError(
                "only single_choice and multiple_choice questions have options",
                f"{where}.options",
                _line(fields["options"][0]),
            )
        if kind == QuestionKind.SCALE:
            scale = _scale(fields["scale"][1], f"{where}.scale") if "scale" in fields else SCALE
            # The points in every language the question is written in (`scale_options`).
            options = {tag: scale_options(scale) for tag in prompts}
        elif "scale" in fields:
            raise MeetingFileError(
                "only scale questions have a scale", f"{where}.scale", _line(fields["scale"][0])
            )
        agenda = _flag(fields, "agenda", where)
        if agenda and kind not in FREE_KINDS:
            raise MeetingFileError(
                "only text and voice questions can be agenda questions "
                "(choice, scale, yes/no and date answers are counted, not listed)",
                f"{where}.agenda",
                _line(fields["agenda"][1]),
            )
        drafts.append(
            QuestionDraft(
                kind=kind,
                prompts=prompts,
                required=_flag(fields, "required", where),
                options=options,
                source_locale=source,
                agenda=agenda,
            )
        )
    return drafts


def _flag(fields: dict[str, tuple[Node, Node]], name: str, where: str) -> bool:
    if name not in fields:
        return False
    raw = _scalar(fields[name][1], f"{where}.{name}").lower()
    if raw not in ("true", "false", "yes", "no"):
        raise MeetingFileError("expected true or false", f"{where}.{name}", _line(fields[name][1]))
    return raw in ("true", "yes")


def _scale(node: Node, field: str) -> range:
    """`1-5`, `0-10`: the lowest and the highest point."""
    match = _SCALE.match(_scalar(node, field))
    scale = check_scale(int(match[1]), int(match[2])) if match else None
    if scale is None:
        raise MeetingFileError(
            "expected a range like 1-5 (from 0 to 10, the first lower than the second)",
            field,
            _line(node),
        )
    return scale


def parse(text: str, catalogs: Catalogs) -> MeetingFile:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise MeetingFileError("the file is not valid YAML", "file", line) from None
    if root is None:
        raise MeetingFileError("the file is empty", "file", None)
    fields = _mapping(root, "file")
    unknown = set(fields) - _TOP
    if unknown:
        name = sorted(unknown)[0]
        raise MeetingFileError(f"unknown field {name!r}", name, _line(fields[name][0]))
    source = _language(_required(fields, "language", "file", root), "language")
    time_zone = None
    if "time_zone" in fields:
        time_zone = _scalar(fields["time_zone"][1], "time_zone")
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise MeetingFileError(
                f"unknown time zone {time_zone!r}", "time_zone", _line(fields["time_zone"][1])
            ) from None
    texts = _texts(_required(fields, "texts", "file", root))
    if source not in texts:
        raise MeetingFileError(
            f"there is no text in the meeting's language ({source})",
            "texts",
            _line(fields["texts"][1]),
        )

    reminders = None
    if "reminders" in fields:
        try:
            reminders = parse_offsets(_scalar(fields["reminders"][1], "reminders"))
        except ScheduleError as exc:
            raise MeetingFileError(str(exc), "reminders", _line(fields["reminders"][1])) from None

    def optional_datetime(name: str) -> datetime | None:
        return _datetime(fields[name][1], name) if name in fields else None

    return MeetingFile(
        community=_scalar(_required(fields, "community", "file", root), "community"),
        source_locale=source,
        time_zone=time_zone,
        starts_local=_datetime(_required(fields, "starts", "file", root), "starts"),
        ends_local=optional_datetime("ends"),
        input_deadline_local=optional_datetime("input_deadline"),
        online_url=_scalar(fields["online_url"][1], "online_url")
        if "online_url" in fields
        else None,
        texts=texts,
        questions=_questions(fields["questions"][1], "questions", catalogs, source)
        if "questions" in fields
        else [],
        followup_questions=_questions(
            fields["followup_questions"][1], "followup_questions", catalogs, source
        )
        if "followup_questions" in fields
        else [],
        reminder_offsets=reminders,
    )


def read(path: Path, catalogs: Catalogs) -> MeetingFile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MeetingFileError(
            f"cannot read the file ({exc.__class__.__name__})", "file", None
        ) from None
    return parse(text, catalogs)
