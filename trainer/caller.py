"""The caller: the model playing the customer, speaking one directed line at a time.

The prompt is append-only: the persona sheet, then the call so far, then this turn's stage
direction last — so llama.cpp reuses its KV cache for everything but the newest turns.
Lines are streamed sentence by sentence and cleaned: no stage directions, role labels,
asterisks, or lines the caller already said.
"""

from __future__ import annotations

import difflib
import itertools
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from trainer.personas import Persona
from trainer.prompts import render
from trainer.transcript import Turn

__all__ = ["Caller", "clean_line", "split_first_clause", "split_sentences"]

AGENT_LABEL = "Agent"
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+")
_ASIDES = re.compile(r"\*[^*]*\*?|\([^)]*\)?|\[[^\]]*\]?|\{[^}]*\}?|<[^>]*>")
_EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")
MAX_SENTENCES = 3


def split_sentences(chunks: Iterable[str]) -> Iterator[str]:
    """Turn a token stream into whole sentences as soon as each one ends."""
    buffer = ""
    for chunk in chunks:
        buffer += chunk
        while True:
            m = _SENTENCE_END.search(buffer)
            if not m:
                break
            yield buffer[: m.start()].strip() + buffer[m.start():m.end()].strip()
            buffer = buffer[m.end():]
    if buffer.strip():
        yield buffer.strip()


_CLAUSE_END = re.compile(r"(?<=[,;:—–])\s+|\s+(?=[—–]\s)")
CLAUSE_WORDS = 1  # "Look," is a clause: a short spoken reaction starts the line
FLUSH_WORDS = 8  # without punctuation, start speaking after this many words (fewer splits phrases)


def split_first_clause(chunks: Iterable[str]) -> Iterator[str]:
    """Like `split_sentences`, but the first piece ends at the first clause (``, ; : —``, or
    eight words without punctuation) so speech can start on it while the model writes the
    rest; whole sentences after that."""
    buffer = ""
    stream = iter(chunks)
    for chunk in stream:
        buffer += chunk
        sentence = _SENTENCE_END.search(buffer)
        clause = next((m for m in _CLAUSE_END.finditer(buffer)
                       if len(buffer[: m.start()].split()) >= CLAUSE_WORDS), None)
        if sentence and (not clause or sentence.start() <= clause.start()):
            break  # a whole sentence came first: hand over to sentence splitting
        if clause:
            yield buffer[: clause.start()].strip()
            buffer = buffer[clause.end():]
            break
        words = buffer.split()
        if len(words) > FLUSH_WORDS and buffer[-1:].isspace():
            yield " ".join(words)
            buffer = ""
            break
    yield from split_sentences(itertools.chain([buffer], stream))


def clean_line(text: str, names: Sequence[str]) -> str:
    """Strip stage directions, role labels, quotes and emojis from a spoken sentence."""
    text = _ASIDES.sub(" ", text)
    text = _EMOJI.sub("", text)
    labels = "|".join(re.escape(n) for n in [*names, "Caller", "Customer"])
    text = re.sub(rf"^\s*(?:{labels})\s*:\s*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^\s*Agent\s*,\s*(\w)", lambda m: m.group(1).upper(), text)  # "Agent, can you"
    text = re.sub(r"^\s*(?:stage direction|direction)\s*:.*$", "", text, flags=re.IGNORECASE)
    text = text.replace('"', "").replace("“", "").replace("”", "")
    return re.sub(r"\s+", " ", text).strip(" -—")


def _leaks_agent(sentence: str) -> bool:
    return bool(re.match(rf"^\s*(?:{AGENT_LABEL}|Representative|Support|You)\s*:", sentence,
                         re.IGNORECASE))


class Caller:
    """Speaks for a persona, one line per stage direction."""

    def __init__(self, persona: Persona, model: BaseChatModel, first_clause: bool = True) -> None:
        self.persona = persona
        self.model = model
        self.first_clause = first_clause  # speech starts on the first clause, not sentence
        self.last_prompt: str | None = None
        self._warming: threading.Thread | None = None

    @property
    def _local(self) -> bool:
        return hasattr(self.model, "prefill")

    def said_first(self, opener: str = "", reaction: str = "") -> list[str]:
        """The words a line begins with, spoken before the model writes anything: the
        director's reaction ("Excuse me?"), then its opener ("It's HN-48213."). A local model
        continues after them; a remote one is told they were said (`_told`)."""
        return [w for w in (reaction.strip(), opener.strip()) if w]

    def _told(self, direction: str, first: Sequence[str]) -> str:
        """A remote model's direction, told what was said aloud already (a local model's reply
        begins with it instead)."""
        if self._local or not first:
            return direction
        said = " ".join(first)
        return (f"{direction} {self.persona.first_name} has just said \"{said}\" aloud: go "
                f"straight on from it, without saying it again.").strip()

    def _options(self, first: Sequence[str] = ()) -> dict[str, Any]:
        # Local models get the reply begun with the caller's name (see LlamaCppChat._prompt),
        # and with the words said first (reaction, opener) when there are any.
        prefix = " ".join([f"{self.persona.first_name}:", *first])
        return {"assistant_prefix": prefix} if self._local else {}

    def warm(self, history: Sequence[Turn], direction: str = "", opener: str = "",
             reaction: str = "") -> None:
        """Start reading the call so far into the model's cache while the trainee talks,
        so the reply only has to read the trainee's words and the new direction. Given the
        trainee's words and a ``direction`` (with its opener and reaction) foreseen for them,
        the whole prompt is read, and the reply, if they say no more, only has to be written."""
        if not self._local:
            return
        messages = self.messages(history, direction)
        self._warming = threading.Thread(
            target=self.model.prefill, args=(messages,),  # type: ignore[attr-defined]
            kwargs=self._options(self.said_first(opener, reaction)), daemon=True)
        self._warming.start()

    def wait_warm(self) -> None:
        if self._warming is not None:
            self._warming.join()

    def opening(self) -> str:
        return self.persona.opening

    def messages(self, history: Sequence[Turn], direction: str) -> list[SystemMessage | HumanMessage]:
        p = self.persona
        prompt = render(
            "caller", name=p.first_name, company=p.situation.company,
            problem=p.situation.problem, product=p.situation.product,
            facts="; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in p.situation.facts.items())
            or "none",
            history=f"Before this call: {p.situation.history}" if p.situation.history else "",
            wants=p.wants, examples="\n".join(f"- {e}" for e in p.examples),
            transcript=self._transcript(history), direction=direction)
        self.last_prompt = prompt.user
        return [SystemMessage(prompt.system), HumanMessage(prompt.user)]

    def _transcript(self, history: Sequence[Turn]) -> str:
        lines = []
        for t in history:
            who = self.persona.first_name if t.speaker == "caller" else AGENT_LABEL
            lines.append(f"{who}: {t.text or '(silence)'}")
        return "\n".join(lines)

    def stream_line(self, history: Sequence[Turn], direction: str, opener: str = "",
                    reaction: str = "") -> Iterator[str]:
        """The caller's next line, one clean sentence at a time, as the model writes it.
        ``reaction`` then ``opener``: words the line begins with, yielded at once (a local
        model continues after them; a remote one is told they were said, see `said_first`)."""
        said = [t.text for t in history if t.speaker == "caller"]
        stops = [f"\n{AGENT_LABEL}:", f"{AGENT_LABEL}:", "\n\n", "[Stage"]
        first = self.said_first(opener, reaction)
        messages = self.messages(history, self._told(direction, first))
        chunks = self._chunks(messages, stops, first)
        yield from first  # before the model is asked: they are spoken while it writes
        # The opener is a whole sentence (a line of its own if the model adds nothing); a
        # reaction ("Mm.") is not a line: the model, or the fallback, must say more.
        count = spoken = int(bool(opener.strip()) and opener.strip() in first)
        split = split_first_clause if self.first_clause else split_sentences
        echo = list(first)  # words said first that a model may say again: dropped once
        for raw in split(chunks):
            if _leaks_agent(raw):
                break
            sentence = clean_line(raw, [self.persona.first_name, self.persona.name])
            while echo and _without_prefix(sentence, echo[0]) != sentence:
                sentence = _without_prefix(sentence, echo.pop(0))
            if not sentence or _repeats(sentence, said) or _narrates(sentence):
                continue
            if reaction.strip() and first and spoken == 0 and _filler(sentence):
                continue  # "Mm." then "Oh.": the reaction was the interjection
            echo.clear()  # the model has moved on
            spoken += 1
            count += bool(_SENTENCE_END.search(sentence + " ")) or spoken > 1
            yield sentence
            if count >= MAX_SENTENCES:
                break
        if spoken == 0:
            yield self._fallback(said)

    def _chunks(self, messages: list[SystemMessage | HumanMessage], stops: list[str],
                first: Sequence[str]) -> Iterator[str]:
        try:
            for c in self.model.stream(messages, stop=stops, **self._options(first)):
                yield str(c.content)
        except ValueError as exc:
            # LangChain raises when a stream ends without a chunk: after an opener the model
            # may well have nothing to add (it stops at once), and that line is complete.
            if not first or "No generation chunks" not in str(exc):
                raise

    def _fallback(self, said: Sequence[str]) -> str:
        """A line from the persona's own examples when the model gave nothing usable."""
        for example in self.persona.examples:
            if not _repeats(example, said):
                return example
        return "Are you going to help me or not?"


_FILLERS = frozenset({"oh", "um", "uh", "mm", "hm", "hmm", "er", "ah", "well", "so", "okay",
                      "right", "yeah"})


def _filler(sentence: str) -> bool:
    """A piece that is only interjections ("Oh.", "Um, well,")."""
    words = re.findall(r"[a-z']+", sentence.lower())
    return bool(words) and set(words) <= _FILLERS


def _without_prefix(sentence: str, words: str) -> str:
    """``sentence`` without ``words`` at its start ("Excuse me? Don't…" → "Don't…")."""
    head = re.sub(r"[^\w\s']", "", words).lower().split()
    tokens = sentence.split()
    got = [re.sub(r"[^\w']", "", t).lower() for t in tokens[:len(head)]]
    if not head or got != head:
        return sentence
    rest = " ".join(tokens[len(head):]).lstrip(" ,.;:!?-")
    return rest[:1].upper() + rest[1:]


def _narrates(sentence: str) -> bool:
    """A sentence that describes the call instead of speaking in it (a leaked direction):
    a caller says "you", never "the agent"."""
    return bool(re.search(r"\bthe agent\b|\bstage direction\b|\bwhy:", sentence, re.IGNORECASE))


def _repeats(text: str, said: Sequence[str]) -> bool:
    """True when any sentence of the text is (nearly) one the caller already said."""
    old = [o.lower() for line in said for o in split_sentences([line])]
    return any(difflib.SequenceMatcher(None, new.lower(), o).ratio() > 0.85
               for new in split_sentences([text]) for o in old)
