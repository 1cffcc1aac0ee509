"""Rule expressions, parsed safely (a tokenizer and a recursive-descent parser; nothing is ever evaluated as code).

An expression combines figure ids (``F012``), budget cells (``budget.<line>.<column>``) and plain numbers with
``+ -``, ``× *``, ``÷ /``, a postfix ``%`` (``30%`` is 0.3; ``F012%`` is F012 ÷ 100) and parentheses::

    (budget.kits.actual_yuan - budget.kits.budget_yuan) / budget.kits.budget_yuan
    F041 + F042 - budget.kits.actual_yuan
    F020 × F021 ÷ 100

Values are intervals (an approximate figure such as 300多 is 300..400), so the result of an expression is
the interval of every value its terms allow (interval arithmetic). A division by an interval that contains 0
cannot be computed (NaN).

>>> e = parse("(budget.x.actual_yuan - budget.x.budget_yuan) ÷ budget.x.budget_yuan")
>>> e.refs()
['budget.x.actual_yuan', 'budget.x.budget_yuan']
>>> cells = {"budget.x.actual_yuan": (1300.0, 1300.0), "budget.x.budget_yuan": (1000.0, 1000.0)}
>>> interval(e, cells.__getitem__)
(0.3, 0.3)
>>> interval(parse("F001 × 2 + 30%"), lambda term: (10.0, 12.0))
(20.3, 24.3)
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

#: What an expression may refer to.
FIGURE_REF = r"F\d{3,}"
CELL_REF = r"budget\.[a-z0-9][a-z0-9_-]*\.[a-z][a-z_]*"
_TOKEN = re.compile(rf"\s*(?:(?P<ref>{CELL_REF}|{FIGURE_REF})|(?P<num>\d+(?:\.\d+)?|\.\d+)|(?P<op>[-+*/×÷%()−]))")
_OP_NAMES = {"×": "*", "÷": "/", "−": "-"}
EXPECTED = "figure ids, budget.<line>.<column> cells and numbers joined by + - × ÷ (or * /), with % and parentheses"

Interval = tuple[float, float]


class ExpressionError(ValueError):
    """An expression that cannot be read; the message says where."""


@dataclass(frozen=True)
class Node:
    """One node of the expression tree: ``kind`` is 'num', 'ref', 'neg', 'pct' or an operator '+ - * /'."""

    kind: str
    value: float = 0.0
    name: str = ""
    args: tuple[Node, ...] = ()

    def refs(self) -> list[str]:
        """The figure ids and cells the expression uses, in order of first appearance."""
        out: list[str] = []
        self._collect(out)
        return list(dict.fromkeys(out))

    def _collect(self, out: list[str]) -> None:
        if self.kind == "ref":
            out.append(self.name)
        for a in self.args:
            a._collect(out)

    def text(self, show: Callable[[str], str] | None = None) -> str:
        """The expression written back with × ÷ − (``show`` turns a reference into its text).

        >>> parse("(F001-F002)/F002*100").text()
        '(F001 − F002) ÷ F002 × 100'
        """
        show = show or (lambda name: name)
        if self.kind == "num":
            return _fmt(self.value)
        if self.kind == "ref":
            return show(self.name)
        if self.kind == "neg":
            return f"−{self.args[0]._inner(show, 3)}"
        if self.kind == "pct":
            return f"{self.args[0]._inner(show, 3)}%"
        a, b = self.args
        rank = _RANK[self.kind]
        symbol = {"+": "+", "-": "−", "*": "×", "/": "÷"}[self.kind]
        return f"{a._inner(show, rank)} {symbol} {b._inner(show, rank + (1 if self.kind in '-/' else 0))}"

    def _inner(self, show, rank: int) -> str:
        own = _RANK.get(self.kind, 9)
        text = self.text(show)
        return f"({text})" if own < rank else text


_RANK = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "pct": 4}


def _fmt(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def tokenize(text: str) -> list[tuple[str, str]]:
    """The tokens of an expression: ('ref' | 'num' | 'op', text). ExpressionError names what cannot be read.
    Full-width forms (（ ） ＋ － ％ １２) read as their ASCII ones.

    >>> tokenize("F001×(2+budget.a.actual_yuan)")
    [('ref', 'F001'), ('op', '*'), ('op', '('), ('num', '2'), ('op', '+'), ('ref', 'budget.a.actual_yuan'), ('op', ')')]
    """
    text = unicodedata.normalize("NFKC", text)  # full-width （ ） ＋ － ％ as typed with a Chinese IME
    tokens, pos = [], 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise ExpressionError(f"cannot read {text[pos:].strip()[:20]!r}")
        pos = m.end()
        kind = m.lastgroup
        value = m.group(kind)
        tokens.append((kind, _OP_NAMES.get(value, value)))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens, self.i = tokens, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expr(self) -> Node:
        node = self.term()
        while (t := self.peek()) and t[1] in "+-" and t[0] == "op":
            self.take()
            node = Node(t[1], args=(node, self.term()))
        return node

    def term(self) -> Node:
        node = self.unary()
        while (t := self.peek()) and t[0] == "op" and t[1] in "*/":
            self.take()
            node = Node(t[1], args=(node, self.unary()))
        return node

    def unary(self) -> Node:
        t = self.peek()
        if t and t[0] == "op" and t[1] in "+-":
            self.take()
            inner = self.unary()
            return inner if t[1] == "+" else Node("neg", args=(inner,))
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        while (t := self.peek()) and t == ("op", "%"):
            self.take()
            node = Node("pct", args=(node,))
        return node

    def primary(self) -> Node:
        t = self.peek()
        if t is None:
            raise ExpressionError("the expression ends where a number, figure id or cell is expected")
        self.take()
        if t[0] == "num":
            return Node("num", value=float(t[1]))
        if t[0] == "ref":
            return Node("ref", name=t[1])
        if t[1] == "(":
            node = self.expr()
            if self.peek() != ("op", ")"):
                raise ExpressionError("a '(' is not closed")
            self.take()
            return node
        raise ExpressionError(f"{t[1]!r} where a number, figure id or cell is expected")


def parse(text: str) -> Node:
    """The expression tree of ``text``; ExpressionError (a ValueError) says what is wrong.

    >>> parse("F001 + ").kind
    Traceback (most recent call last):
    ...
    analysis.expressions.ExpressionError: the expression ends where a number, figure id or cell is expected
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("an empty expression")
    parser = _Parser(tokenize(text))
    node = parser.expr()
    if parser.peek() is not None:
        extra = parser.peek()[1]
        raise ExpressionError(f"an operator is missing before {extra!r}" if extra != ")" else "an unmatched ')'")
    return node


# ----------------------------------------------------------------------------------------------------
# Interval arithmetic
# ----------------------------------------------------------------------------------------------------

_NAN = (math.nan, math.nan)


def _mul(a: float, b: float) -> float:
    product = a * b
    return 0.0 if math.isnan(product) and not (math.isnan(a) or math.isnan(b)) else product  # 0 × ∞ = 0


def _combine(op: str, x: Interval, y: Interval) -> Interval:
    if any(math.isnan(v) for v in (*x, *y)):
        return _NAN
    if op == "+":
        return x[0] + y[0], x[1] + y[1]
    if op == "-":
        return x[0] - y[1], x[1] - y[0]
    if op == "/":
        if y[0] <= 0 <= y[1]:
            return _NAN  # a division by an interval that holds 0
        y = (1 / y[1], 1 / y[0])
    products = [_mul(a, b) for a in x for b in y]
    return min(products), max(products)


def interval(node: Node, value_of: Callable[[str], Interval]) -> Interval:
    """The interval of the expression, ``value_of`` giving each reference's (lo, hi)."""
    if node.kind == "num":
        return node.value, node.value
    if node.kind == "ref":
        lo, hi = value_of(node.name)
        return float(lo), float(hi)
    if node.kind == "neg":
        lo, hi = interval(node.args[0], value_of)
        return -hi, -lo
    if node.kind == "pct":
        lo, hi = interval(node.args[0], value_of)
        return lo / 100, hi / 100
    return _combine(node.kind, interval(node.args[0], value_of), interval(node.args[1], value_of))


def linear_terms(node: Node) -> list[tuple[float, str]] | None:
    """A sum of signed references and numbers as [(coef, term)] in written order (numbers as their text);
    None when the expression multiplies, divides or takes a percentage of a reference.

    >>> linear_terms(parse("F001 - (F002 - 3)"))
    [(1.0, 'F001'), (-1.0, 'F002'), (1.0, '3')]
    >>> linear_terms(parse("F001 / F002")) is None
    True
    """
    if node.kind == "num":
        return [(1.0, _fmt(node.value))]
    if node.kind == "ref":
        return [(1.0, node.name)]
    if node.kind == "neg":
        inner = linear_terms(node.args[0])
        return None if inner is None else [(-c, t) for c, t in inner]
    if node.kind in ("+", "-"):
        a, b = linear_terms(node.args[0]), linear_terms(node.args[1])
        if a is None or b is None:
            return None
        return a + ([(-c, t) for c, t in b] if node.kind == "-" else b)
    return None
