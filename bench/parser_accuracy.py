"""How well ``prompts.parse_answer`` reads the real MLLM answers in tests/prompts/data/real/.

    python bench/parser_accuracy.py [--corpus DIR] [--misses N]

Every record there is a verbatim answer a real multimodal model gave to a question about a
person's age and/or gender, with the question, what it asked (``asks``) and a hand-made reading of
the answer (``expected``); tests/prompts/data/real/README.md lists the sources and the labelling
rules. Each answer is parsed with ``parse_answer(text, asks=...)``; a parser without the ``asks``
keyword is called without it, and the header says which call was made.

Printed, over all records and per language and per corpus file:
- kinds: the parsed outcome (answer / partial / refusal / unparseable) equals the expected one;
- ages: with an expected age, the parsed point (a range's midpoint) lies in the expected closed
  interval, a missing bound being unbounded; with none expected, the parser gives none;
- genders: the parsed gender equals the expected one (``None`` included);
- refusal recall and precision;
- wrong genders: a gender the parser asserts that the answer does not (the contrary one, or one
  where the answer gives none) — worse than none, so it is counted apart;
- the confusion matrix of kinds (rows expected, columns parsed).
Always exits 0: the figures are the result; tests/prompts/test_real_corpus.py checks the corpus.
"""

from __future__ import annotations

import argparse
import inspect
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prompts import OUTCOMES, ParsedAnswer, parse_answer

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "prompts" / "data" / "real"


@dataclass(frozen=True, slots=True)
class Scored:
    """One record, its parse, and whether each reading matches the expected one."""

    record: dict[str, Any]
    parsed: ParsedAnswer
    kind_ok: bool
    age_ok: bool
    gender_ok: bool
    wrong_gender: bool


def load(corpus: Path) -> list[dict[str, Any]]:
    """Every record of every ``*.jsonl`` file under ``corpus``, in file order."""
    records = []
    for path in sorted(corpus.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            records += [json.loads(line) for line in lines if line.strip()]
    return records


def _parse(text: str, asks: tuple[str, ...], with_asks: bool) -> ParsedAnswer:
    # Typed loosely so this runs, and type-checks, on parsers with and without ``asks=``.
    parse: Callable[..., ParsedAnswer] = parse_answer
    return parse(text, asks=asks) if with_asks else parse(text)


def _age_ok(expected: dict[str, Any], parsed: ParsedAnswer) -> bool:
    low, high = expected["age_low"], expected["age_high"]
    if low is None and high is None:
        return parsed.age is None
    if parsed.age is None:
        return False
    return (low is None or parsed.age >= low) and (high is None or parsed.age <= high)


def score(record: dict[str, Any], with_asks: bool) -> Scored:
    """Parse one record and compare each reading with its ``expected`` block."""
    expected = record["expected"]
    parsed = _parse(record["text"], tuple(record["asks"]), with_asks)
    return Scored(
        record=record,
        parsed=parsed,
        kind_ok=parsed.outcome == expected["outcome"],
        age_ok=_age_ok(expected, parsed),
        gender_ok=parsed.gender == expected["gender"],
        wrong_gender=parsed.gender is not None and parsed.gender != expected["gender"],
    )


def _pct(hits: int, total: int) -> str:
    return f"{100 * hits / total:5.1f} % ({hits}/{total})" if total else "   n/a"


def _slug(row: Scored) -> str:
    return str(row.record["id"]).rsplit("-", 1)[0]


def _source(row: Scored) -> str:
    # A repository can hold several files (one per model); it is still one source.
    source = row.record["source"]
    return str(source["repo"] or source["url"])


def _rates(rows: list[Scored]) -> str:
    n = len(rows)
    return (f"kinds {_pct(sum(r.kind_ok for r in rows), n)}"
            f"  ages {_pct(sum(r.age_ok for r in rows), n)}"
            f"  genders {_pct(sum(r.gender_ok for r in rows), n)}"
            f"  wrong genders {sum(r.wrong_gender for r in rows)}")


def _print_refusals_and_wrong_genders(rows: list[Scored]) -> None:
    refused = [r for r in rows if r.record["expected"]["outcome"] == "refusal"]
    said = [r for r in rows if r.parsed.outcome == "refusal"]
    recall = sum(r.parsed.outcome == "refusal" for r in refused)
    precision = sum(r.record["expected"]["outcome"] == "refusal" for r in said)
    print(f"refusal recall {_pct(recall, len(refused))}  precision {_pct(precision, len(said))}")
    wrong = sum(r.wrong_gender for r in rows)
    contrary = sum(r.wrong_gender and r.record["expected"]["gender"] is not None for r in rows)
    print(f"wrong genders: {wrong} (contrary to the answer {contrary}, "
          f"asserted where the answer gives none {wrong - contrary})")


def _print_groups(rows: list[Scored]) -> None:
    for title, key in (("language", lambda r: str(r.record["language"])), ("file", _slug)):
        groups: dict[str, list[Scored]] = defaultdict(list)
        for row in rows:
            groups[key(row)].append(row)
        print(f"\nper {title}:")
        for name in sorted(groups):
            print(f"  {name:<24} n={len(groups[name]):<4} {_rates(groups[name])}")


def _print_confusion(rows: list[Scored]) -> None:
    matrix = Counter((r.record["expected"]["outcome"], r.parsed.outcome) for r in rows)
    print("\nkinds, expected (rows) x parsed (columns):")
    print(" " * 14 + "".join(f"{o:>13}" for o in OUTCOMES))
    for expected in OUTCOMES:
        print(f"  {expected:<12}" + "".join(f"{matrix[expected, got]:>13}" for got in OUTCOMES))


def report(rows: list[Scored], with_asks: bool, misses: int) -> None:
    """Print the figures the module docstring lists, then the first ``misses`` misreadings."""
    call = "parse_answer(text, asks=asks)" if with_asks else "parse_answer(text)  [no asks=]"
    files, sources = len({_slug(r) for r in rows}), len({_source(r) for r in rows})
    print(f"{len(rows)} real answers in {files} files from {sources} sources; call: {call}")
    print(f"all: {_rates(rows)}")
    _print_refusals_and_wrong_genders(rows)
    _print_groups(rows)
    _print_confusion(rows)
    for row in [r for r in rows if not (r.kind_ok and r.age_ok and r.gender_ok)][:misses]:
        e, p = row.record["expected"], row.parsed
        print(f"\n{row.record['id']}: expected {e['outcome']} age {e['age_low']}-{e['age_high']} "
              f"{e['gender']}; parsed {p.outcome} age {p.age} {p.gender}\n  "
              + " ".join(str(row.record["text"]).split())[:160])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, metavar="DIR",
                        help="folder of corpus *.jsonl files. Default: %(default)s")
    parser.add_argument("--misses", type=int, default=0, metavar="N",
                        help="also print the first N misreadings. Default: %(default)s")
    args = parser.parse_args(argv)
    with_asks = "asks" in inspect.signature(parse_answer).parameters
    report([score(record, with_asks) for record in load(args.corpus)], with_asks, args.misses)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
