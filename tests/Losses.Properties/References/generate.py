#!/usr/bin/env python3
"""Independent reference values for the Losses property suite.

Every expected value is computed here from the formulas of API.md in Python's decimal module at 60
significant digits (printed to 25), from the exact binary values of the inputs as the library sees
them (double, or rounded to float32 first). Nothing comes from the library. Run from this folder:

    python3 generate.py > references.json

exp(t) for t < -10000 is taken as 0 (its contribution is below 10^-4300, far beyond the 60 digits),
and ln(1 + u) for u < 10^-20 by its series u - u²/2 + u³/3, so that 1 + u is not rounded.
"""
import json
import math
import struct
from decimal import Decimal, DivisionByZero, InvalidOperation, getcontext, MAX_EMAX, MIN_EMIN

getcontext().prec = 60
getcontext().Emax = MAX_EMAX
getcontext().Emin = MIN_EMIN
getcontext().traps[DivisionByZero] = False  # -y/0 = -∞ and ln 0 = -∞, as the limits demand
getcontext().traps[InvalidOperation] = False  # ∞ - ∞ (a label below 0 on a zero probability) is NaN

ZERO = Decimal(0)
ONE = Decimal(1)


def as_type(value, kind):
    """The number as the library holds it: a Python float (double) or that float rounded to float32."""
    if kind == "float" and math.isfinite(value):
        try:
            return struct.unpack("f", struct.pack("f", value))[0]
        except OverflowError:
            return math.copysign(math.inf, value)
    return float(value)


def exp(t):
    return ZERO if t < -10000 else t.exp()


def log1p(u):
    if u < Decimal("1e-20"):
        return u - u * u / 2 + u * u * u / 3
    return (ONE + u).ln()


def text(value, digits=25):
    if isinstance(value, float):
        return repr(value)
    if value.is_nan():
        return "nan"
    if value.is_infinite():
        return "inf" if value > 0 else "-inf"
    return format(value, f".{digits}g")


def scale_text(value):
    """Scales only set tolerances: 4 digits are plenty."""
    return text(value, 4)


def row_softmax(x):
    m = max(x)
    shifted = [xi - m for xi in x]
    total = sum(exp(s) for s in shifted)
    log_total = total.ln()
    return shifted, total, log_total


def softmax_values(x):
    shifted, total, log_total = row_softmax(x)
    p = [exp(s) / total for s in shifted]
    logp = [s - log_total for s in shifted]
    return p, [pi for pi in p], logp, [abs(s) + log_total + 1 for s in shifted]


def softmax_cross_entropy(y, x):
    shifted, total, log_total = row_softmax(x)
    p = [exp(s) / total for s in shifted]
    terms = [yi * (log_total - s) if yi != 0 else ZERO for yi, s in zip(y, shifted)]
    value = sum(terms)
    scale = sum(abs(t) for t in terms) + sum(abs(yi) for yi in y) * (1 + log_total)
    label_sum = sum(y)
    gradient = [label_sum * pi - yi for pi, yi in zip(p, y)]
    gradient_scale = [abs(label_sum * pi) + abs(yi) + sum(abs(v) for v in y) * pi for pi, yi in zip(p, y)]
    return value, scale, gradient, gradient_scale


def cross_entropy(y, p):
    """rel3: -Σ y·ln p with 0·ln 0 = 0, gradient -y/p (0 where y = 0)."""
    terms = [-yi * pi.ln() if yi != 0 else ZERO for yi, pi in zip(y, p)]
    value = sum(terms)
    scale = sum(abs(t) for t in terms) + sum(abs(yi) for yi in y)
    gradient = [-yi / pi if yi != 0 else ZERO for yi, pi in zip(y, p)]
    gradient_scale = [abs(yi / pi) if yi != 0 else ZERO for yi, pi in zip(y, p)]
    return value, scale, gradient, gradient_scale


def by_rows(function, labels, inputs):
    """One value per row and the gradient row after row: (values, scales, gradient, gradient scales)."""
    values, scales, gradient, gradient_scale = [], [], [], []
    for y, x in zip(labels, inputs):
        v, s, g, gs = function(y, x)
        values.append(v)
        scales.append(s)
        gradient += g
        gradient_scale += gs
    return values, scales, gradient, gradient_scale


def logistic(z, x, q):
    """Weighted logistic loss (q = 1: plain sigmoid cross-entropy) and its gradient c·σ(x) - q·z."""
    c = 1 + (q - 1) * z
    u = exp(-abs(x))
    softplus = log1p(u)
    linear = (1 - z) * x if x >= 0 else q * z * (-x)
    value = linear + c * softplus
    sigma = 1 / (1 + u) if x >= 0 else u / (1 + u)
    gradient = c * sigma - q * z
    scale = abs(linear) + abs(c * softplus) + (1 + abs(z)) * abs(x) * (1 if x >= 0 else 0)
    gradient_scale = (1 + abs((q - 1) * z)) * sigma + abs(q * z)
    return value, scale, gradient, gradient_scale


def regression(y, p):
    n = len(y)
    errors = [pi - yi for pi, yi in zip(p, y)]
    mse = sum(e * e for e in errors) / n
    rmse = mse.sqrt()
    mae = sum(abs(e) for e in errors) / n
    mse_gradient = [2 * e / n for e in errors]
    rmse_gradient = [e / (n * rmse) if rmse != 0 else ZERO for e in errors]
    mae_gradient = [Decimal((e > 0) - (e < 0)) / n for e in errors]
    return mse, rmse, mae, mse_gradient, rmse_gradient, mae_gradient


CHAPTER_LOGITS = [[2.0, 0.5, 6.0], [0.1, 0.0, 3.0]]
CHAPTER_SOFT = [[0.4, 0.1, 0.5], [0.3, 0.6, 0.1]]
CHAPTER_ONE_HOT = [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]

LOGIT_ROWS = {
    "chapter": CHAPTER_LOGITS,
    "plus-minus 1e30": [[1e30, -1e30, 0.0], [-1e30, 0.0, 1e30]],
    "plus-minus 700": [[700.0, -700.0, 0.0], [-700.0, -699.0, -698.0]],
    "plus-minus 1e-30": [[1e-30, -1e-30, 0.0], [0.0, 1e-30, 2e-30]],
    "ties": [[30.0, 30.0, 30.0], [-5.0, 7.25, 7.25]],
}
LABEL_ROWS = {
    "one-hot": CHAPTER_ONE_HOT,
    "soft": CHAPTER_SOFT,
    "unnormalised": [[0.5, 0.0, 2.0], [-0.25, 1.0, 0.75]],
}


def big_classes():
    """1000 classes: logits (j·37 mod 101)/5 - 10, labels a smooth distribution; exact in float and double."""
    c = 1000
    logits = [[((j * 37) % 101) / 5.0 - 10.0 for j in range(c)]]
    weights = [float(1 + (j % 7)) for j in range(c)]
    total = sum(weights)
    labels = [[w / total for w in weights]]
    return labels, logits


def cases_for(kind):
    out = []

    def matrix(rows):
        return [[as_type(v, kind) for v in row] for row in rows]

    def dec(rows):
        return [[Decimal(v) for v in row] for row in rows]

    def add(name, function, labels, inputs, value, value_scale, gradient=None, gradient_scale=None, weight=None, classes=None):
        case = {
            "name": name, "type": kind, "function": function,
            "rows": len(inputs), "columns": len(inputs[0]),
            "labels": [[text(v) for v in row] for row in labels] if labels is not None else None,
            "inputs": [[text(v) for v in row] for row in inputs],
            "value": [text(v) for v in value], "valueScale": [scale_text(v) for v in value_scale],
        }
        if gradient is not None:
            case["gradient"] = [text(v) for v in gradient]
            case["gradientScale"] = [scale_text(v) for v in gradient_scale]
        if weight is not None:
            case["weight"] = text(weight)
        if classes is not None:
            case["classes"] = classes
        out.append(case)

    logit_sets = dict(LOGIT_ROWS)
    big_labels, big_logits = big_classes()
    for logit_name, rows in list(logit_sets.items()) + [("1000 classes", big_logits)]:
        x = matrix(rows)
        xd = dec(x)
        p, p_scale, logp, logp_scale = [], [], [], []
        for row in xd:
            a, b, c, d = softmax_values(row)
            p += a
            p_scale += b
            logp += c
            logp_scale += d
        add(f"softmax {logit_name}", "Softmax", None, x, p, p_scale)
        add(f"log-softmax {logit_name}", "LogSoftmax", None, x, logp, logp_scale)
        label_sets = dict(LABEL_ROWS) if logit_name != "1000 classes" else {"smooth": big_labels}
        for label_name, label_rows in label_sets.items():
            y = matrix(label_rows)
            yd = dec(y)
            add(f"softmax cross-entropy {label_name}, {logit_name}", "SoftmaxCrossEntropyWithLogits", y, x, *by_rows(softmax_cross_entropy, yd, xd))

            # rel3 on the exact probabilities rounded to the type: -Σ y·ln p, gradient -y/p.
            probabilities = [[as_type(float(v), kind) for v in softmax_values(row)[0]] for row in xd]
            pd = dec(probabilities)
            add(f"cross-entropy {label_name}, softmax of {logit_name}", "CrossEntropy", y, probabilities, *by_rows(cross_entropy, yd, pd))

        classes = [int(max(range(len(row)), key=lambda j: (row[j], -j))) for row in (big_labels if logit_name == "1000 classes" else CHAPTER_ONE_HOT)]
        one_hot = [[ONE if j == k else ZERO for j in range(len(xd[0]))] for k in classes]
        add(f"sparse softmax cross-entropy {logit_name}", "SparseSoftmaxCrossEntropyWithLogits", None, x, *by_rows(softmax_cross_entropy, one_hot, xd), classes=classes)

    # Element-wise: sigmoid and the logistic losses over a ladder of logits and labels.
    ladder = [-1e30, -700.0, -30.0, -1.0, -1e-30, 0.0, 1e-30, 1.0, 30.0, 700.0, 1e30]
    x = matrix([ladder, ladder, ladder])
    z = matrix([[0.0] * len(ladder), [0.3] * len(ladder), [1.0] * len(ladder)])
    xd, zd = dec(x), dec(z)
    sig = [exp(v) / (1 + exp(v)) if v < 0 else 1 / (1 + exp(-v)) for row in xd for v in row]
    add("sigmoid ladder", "Sigmoid", None, x, sig, sig)
    for q in [1.0, 0.5, 3.0]:
        qd = Decimal(as_type(q, kind))
        results = [logistic(zv, xv, qd) for zr, xr in zip(zd, xd) for zv, xv in zip(zr, xr)]
        function = "SigmoidCrossEntropyWithLogits" if q == 1.0 else "WeightedCrossEntropyWithLogits"
        add(f"logistic ladder, q = {q}", function, z, x, [r[0] for r in results], [r[1] for r in results],
            [r[2] for r in results], [r[3] for r in results], weight=as_type(q, kind))

    # Regression: ordinary, tiny and huge errors (huge: 1e30 errors square to 1e60, beyond float's range).
    regression_sets = {
        "ordinary": ([[0.2, -1.5, 3.0], [0.75, 0.0, -2.0]], [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]),
        "1e-30 errors": ([[0.0, 1e-30, -1e-30], [2e-30, 0.0, 0.0]], [[1e-30, 0.0, 1e-30], [0.0, -3e-30, 0.0]]),
        "1e30 errors": ([[1e30, -1e30, 0.0], [0.0, 0.0, 2e30]], [[0.0, 1e30, 1e30], [-1e30, 0.0, 0.0]]),
        "zero errors": ([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]]),
    }
    for name, (labels, predictions) in regression_sets.items():
        y, p = matrix(labels), matrix(predictions)
        flat_y = [Decimal(v) for row in y for v in row]
        flat_p = [Decimal(v) for row in p for v in row]
        mse, rmse, mae, g_mse, g_rmse, g_mae = regression(flat_y, flat_p)
        add(f"mean squared error {name}", "MeanSquaredError", y, p, [mse], [mse], g_mse, [abs(g) for g in g_mse])
        add(f"root mean squared error {name}", "RootMeanSquaredError", y, p, [rmse], [rmse], g_rmse, [abs(g) for g in g_rmse])
        add(f"mean absolute error {name}", "MeanAbsoluteError", y, p, [mae], [mae], g_mae, [abs(g) for g in g_mae])
    return out


if __name__ == "__main__":
    cases = cases_for("double") + cases_for("float")
    print(json.dumps({
        "source": "tests/Losses.Properties/References/generate.py: Python decimal at 60 digits, printed to 25",
        "cases": cases,
    }, indent=1))
