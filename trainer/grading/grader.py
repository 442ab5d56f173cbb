"""The model grader: one criterion per call, evidence first, schema-constrained JSON.

Every reply is parsed strictly and its quotes are checked against the transcript. A reply that
fails the schema or quotes words that are not there is retried with the problem stated; if it
still fails, that run is unscored, never a silent pass. Repeats are majority-voted and the split
is kept, with every rendered prompt and raw reply.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trainer.grading.detectors import PASS_EVIDENCE, Finding, redact_injection
from trainer.grading.records import CriterionGrade, Quote, Run, Verdict
from trainer.grading.rubric import Criterion, GraderPrompts
from trainer.transcript import Transcript

__all__ = [
    "CANDIDATES_HEADER",
    "ChatLike",
    "GradingError",
    "ModelGrader",
    "TranscriptView",
    "normalise",
    "reply_schema",
    "vote",
]


# Introduces the detectors' candidate sentences in the criterion prompt (fakes parse it).
CANDIDATES_HEADER = "The trainee sentences to judge (quote one of them as evidence, or none):"


class GradingError(RuntimeError):
    """Grading cannot go on (e.g. the grader endpoint failed after its retries)."""


class ChatLike(Protocol):
    """What the grader needs of a chat model: LangChain's ``invoke``."""

    def invoke(self, input: Any, **kwargs: Any) -> Any: ...


class _EvidenceItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    turn: int
    quote: str


class _Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")
    evidence: list[_EvidenceItem] = Field(max_length=4)
    reason: str
    verdict: Literal["pass", "fail", "na"]


def reply_schema(options: Sequence[str], quotes: Sequence[str] = ()) -> dict[str, Any]:
    """The JSON schema of a reply; evidence first so the model quotes before it judges. Given
    the detectors' candidate sentences, a quote must be one of them, copied by construction:
    a small model otherwise quotes the wrong sentence or paraphrases, and the rejected reply
    flips the verdict between runs."""
    quote: dict[str, Any] = {"type": "string"}
    if quotes:
        quote["enum"] = list(dict.fromkeys(quotes))
    item = {"type": "object", "properties": {"turn": {"type": "integer"}, "quote": quote},
            "required": ["turn", "quote"]}
    return {"type": "object",
            "properties": {"evidence": {"type": "array", "items": item, "maxItems": 1},
                           "reason": {"type": "string", "maxLength": 120},
                           "verdict": {"type": "string", "enum": list(options)}},
            "required": ["evidence", "reason", "verdict"]}


def normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces: how quotes are matched."""
    text = text.lower().replace("’", "'").replace("'", "")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass(frozen=True)
class TranscriptView:
    """The transcript as the grader model sees it: injection sentences removed."""

    transcript: Transcript
    texts: tuple[str, ...]
    redacted: tuple[Quote, ...]

    @classmethod
    def of(cls, t: Transcript) -> TranscriptView:
        texts, redacted = [], []
        for turn in t.turns:
            text, dropped = redact_injection(turn.text)
            texts.append(text)
            redacted += [Quote(turn=turn.index, quote=d, speaker=turn.speaker) for d in dropped]
        return cls(t, tuple(texts), tuple(redacted))

    def lines(self) -> str:
        return "\n".join(f"[{turn.index}] {turn.speaker.upper()}: {text or '(...)'}"
                         for turn, text in zip(self.transcript.turns, self.texts, strict=True))

    def find(self, turn: int, quote: str) -> Quote | None:
        """The quote at its cited turn, else at the one turn where it occurs; None if nowhere."""
        pieces = [normalise(p) for p in re.split(r"\.\.\.|…", quote) if normalise(p)]
        if not pieces or sum(len(p) for p in pieces) < 3:
            return None
        order = [turn] if 0 <= turn < len(self.texts) else []
        order += [i for i in range(len(self.texts)) if i != turn]
        for i in order:
            text = normalise(self.texts[i])
            if all(re.search(rf"(^| ){re.escape(p)}($| )", text) for p in pieces):
                return Quote(turn=i, quote=quote, speaker=self.transcript.turns[i].speaker)
        return None


def vote(verdicts: Sequence[Verdict | None]) -> tuple[Verdict | None, dict[str, int], bool]:
    """Majority vote over the scored runs: (winner or None on a tie/no votes, votes, split)."""
    votes = Counter(v for v in verdicts if v is not None)
    if not votes:
        return None, {}, False
    ranked = votes.most_common()
    tie = len(ranked) > 1 and ranked[0][1] == ranked[1][1]
    return (None if tie else ranked[0][0]), {str(k): n for k, n in votes.items()}, len(votes) > 1


# Endpoints that refused ``{"type": "json_schema"}`` (llama_cpp.server, older llama.cpp servers
# take ``{"type": "json_object", "schema": ...}`` instead), learnt on the first refusal.
_JSON_OBJECT_ENDPOINTS: set[tuple[str, str]] = set()


def _endpoint(model: ChatLike) -> tuple[str, str]:
    return (str(getattr(model, "openai_api_base", "") or ""),
            str(getattr(model, "model_name", "") or ""))


def _response_format(model: ChatLike, schema: dict[str, Any]) -> dict[str, Any]:
    if (getattr(model, "_llm_type", "") == "llama-cpp"
            or getattr(model, "json_mode", "") == "json_object"
            or _endpoint(model) in _JSON_OBJECT_ENDPOINTS):
        return {"type": "json_object", "schema": schema}
    return {"type": "json_schema", "json_schema": {"name": "verdict", "schema": schema}}


def _refuses_json_schema(exc: Exception, fmt: dict[str, Any]) -> bool:
    return fmt["type"] == "json_schema" and "json_schema" in str(exc)


class ModelGrader:
    """Grades the model-judged criteria of one transcript."""

    def __init__(self, model: ChatLike, prompts: GraderPrompts, *, repeats: int = 3,
                 attempts: int = 3, describe: Any = None) -> None:
        self.model = model
        self.prompts = prompts
        self.repeats = max(1, repeats)
        self.attempts = max(1, attempts)
        self._describe = describe  # exc -> one-line endpoint failure, or None

    def grade(self, view: TranscriptView, criterion: Criterion,
              finding: Finding | None) -> CriterionGrade:
        options = _options(criterion, finding)
        messages = self._messages(view, criterion, finding, options)
        quotes = [h.quote for h in (finding.candidates if finding else ())
                  if view.find(h.turn, h.quote)]  # a sentence redacted as injection can't be quoted
        runs: list[Run] = []
        for r in range(self.repeats):
            runs += self._run(view, criterion, messages, options, quotes, r)
        finals = [run for run in runs if run.verdict is not None or run.attempt == self.attempts - 1]
        winner, votes, split = vote([run.verdict for run in finals])
        kept = [run for run in finals if run.verdict == winner]
        return CriterionGrade(
            id=criterion.id, name=criterion.name, weight=criterion.weight, verdict=winner,
            decided_by="llm", reason=_reason(winner, kept, runs, votes),
            evidence=kept[0].evidence if kept else [], votes=votes, split=split, runs=runs)

    # --- one run, with retries ---

    def _run(self, view: TranscriptView, criterion: Criterion, messages: list[BaseMessage],
             options: list[str], quotes: list[str], r: int) -> list[Run]:
        runs: list[Run] = []
        history = list(messages)
        for attempt in range(self.attempts):
            raw = self._invoke(history, options, quotes, seed=r * 100 + attempt,
                               temperature=0.0 if r == 0 and attempt == 0 else 0.6)
            run = _check(view, criterion, raw, r, attempt, history, quotes)
            runs.append(run)
            if run.verdict is not None:
                break
            history = [*history, AIMessage(raw),
                       HumanMessage(self.prompts.render("retry", problem=run.problem or ""))]
        return runs

    def _invoke(self, messages: list[BaseMessage], options: list[str], quotes: list[str], *,
                seed: int, temperature: float) -> str:
        try:
            reply = self._call(messages, reply_schema(options, quotes), seed=seed,
                               temperature=temperature)
        except Exception as exc:
            line = self._describe(exc) if self._describe else None
            if line:
                raise GradingError(line) from None
            raise
        content = getattr(reply, "content", reply)
        return content if isinstance(content, str) else json.dumps(content)

    def _call(self, messages: list[BaseMessage], schema: dict[str, Any], **kwargs: Any) -> Any:
        """One model call; an endpoint that refuses ``json_schema`` is asked again (and from
        then on) with ``json_object``."""
        fmt = _response_format(self.model, schema)
        try:
            return self.model.invoke(messages, response_format=fmt, **kwargs)
        except Exception as exc:
            if not _refuses_json_schema(exc, fmt):
                raise
        _JSON_OBJECT_ENDPOINTS.add(_endpoint(self.model))
        return self.model.invoke(messages, response_format=_response_format(self.model, schema),
                                 **kwargs)

    # --- prompt ---

    def _messages(self, view: TranscriptView, criterion: Criterion, finding: Finding | None,
                  options: list[str]) -> list[BaseMessage]:
        p = self.prompts
        user = p.render("transcript", lines=view.lines()) + "\n\n" + p.render(
            "criterion", id=criterion.id, name=criterion.name, check=criterion.check or "",
            na=f" N/A if: {criterion.na_when}" if "na" in options else "",
            passes=" | ".join(criterion.pass_examples[:2]),
            fails=" | ".join(criterion.fail_examples[:2]),
            rules=" ".join(criterion.edge_rules) or "none", notes=_notes(finding, options))
        return [SystemMessage(p.render("system")), HumanMessage(user)]


def _options(criterion: Criterion, finding: Finding | None) -> list[str]:
    opts = ["pass", "fail"] + (["na"] if criterion.can_be_na else [])
    if finding is not None and not finding.na_ok and "na" in opts:
        opts.remove("na")  # the call gave the occasion (something went wrong, a problem stated)
    if finding is not None and not finding.candidates and criterion.kind == "presence":
        opts.remove("pass")  # nothing to quote: it can only fail or not apply
    return opts


def _notes(finding: Finding | None, options: list[str]) -> str:
    if finding is None:
        return ""
    if finding.candidates:
        lines = "; ".join(f'[{h.turn}] "{h.quote}"' for h in finding.candidates)
        return f"\n{CANDIDATES_HEADER} {lines}"
    return f"\nNo trainee sentence uses the usual words for this. Answer {' or '.join(options)}."


def _check(view: TranscriptView, criterion: Criterion, raw: str, r: int, attempt: int,
           messages: list[BaseMessage], candidates: Sequence[str] = ()) -> Run:
    """Parse and verify one reply; a rejected reply is a run with ``problem`` set."""
    record = Run(run=r, attempt=attempt, raw=raw, messages=_dump(messages))
    try:
        reply = _Reply.model_validate_json(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"]) or "reply"
        return record.model_copy(
            update={"problem": f"reply does not fit the schema ({where}: {err['msg']})"})
    quotes, problem = _verify(view, reply)
    if problem is None:
        problem = _evidence_rule(criterion, reply.verdict, quotes, candidates)
    if problem:
        return record.model_copy(update={"reason": reply.reason, "evidence": quotes,
                                         "problem": problem})
    return record.model_copy(update={"verdict": reply.verdict, "reason": reply.reason.strip(),
                                     "evidence": quotes})


def _verify(view: TranscriptView, reply: _Reply) -> tuple[list[Quote], str | None]:
    quotes: list[Quote] = []
    for item in reply.evidence:
        found = view.find(item.turn, item.quote)
        if found is None:
            return quotes, f'quote "{item.quote}" (turn {item.turn}) is not in the transcript'
        quotes.append(found)
    return quotes, None


def _evidence_rule(criterion: Criterion, verdict: Verdict, quotes: list[Quote],
                   candidates: Sequence[str] = ()) -> str | None:
    """A pass on a presence criterion (or a fail on an absence one) must quote the trainee, in
    one of the sentences where the reader heard the behaviour (an endpoint that ignores the
    schema's enum can still quote another), and show what the rubric requires of it."""
    needs = "pass" if criterion.kind == "presence" else "fail"
    own = [q for q in quotes if q.speaker == "trainee"]
    if verdict == needs and not own:
        return f"a '{verdict}' for {criterion.id} must quote the trainee's own words"
    heard = [normalise(c) for c in candidates]
    if verdict == needs and heard and not any(_within(normalise(q.quote), heard) for q in own):
        return (f'"{own[0].quote}" is not one of the sentences to judge for {criterion.id}; quote '
                "one of them")
    shows = PASS_EVIDENCE.get(criterion.id)
    if verdict == "pass" and shows and not any(shows[0].search(q.quote) for q in own):
        return f'a pass needs evidence, but "{own[0].quote}" {shows[1]}'
    return None


def _within(quote: str, sentences: list[str]) -> bool:
    """The quote is (part of) one of the sentences, or one of them is part of the quote."""
    return any(quote and (quote in s or s in quote) for s in sentences)


def _reason(winner: Verdict | None, kept: list[Run], runs: list[Run],
            votes: dict[str, int]) -> str:
    if winner is not None:
        return kept[0].reason
    if votes:
        return f"unscored: the runs split evenly ({votes}); needs a human to review"
    last = runs[-1].problem if runs else "no runs"
    return f"unscored: every run was rejected ({last})"


def _dump(messages: list[BaseMessage]) -> list[dict[str, str]]:
    roles = {"system": "system", "human": "user", "ai": "assistant"}
    return [{"role": roles.get(m.type, m.type), "content": str(m.content)} for m in messages]
