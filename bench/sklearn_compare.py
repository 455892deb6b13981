#!/usr/bin/python3
"""scikit-learn's side of `bench/sklearn-compare`: the tasks, their splits, and sklearn's figures.

Run with Debian's scikit-learn (`apt-get install python3-sklearn`; no pip, no downloads): every data
set is bundled with scikit-learn or drawn from its generators, with a fixed random_state, so the rows
are the same on every machine.

For each task and seed k (0..seeds-1) the rows are split 70/30 by train_test_split(random_state=k),
stratified by the label for a classification, and written to

    <out>/<task>/seed<k>/train.csv and test.csv

(a header line, the features, then the label in a column named `label`; a NULL is an empty cell;
floats as Python's repr, which reads back to the same double). scikit-learn's standard pipeline is
then fitted on the training rows and scored on the test rows:

    ColumnTransformer(numeric:     SimpleImputer(strategy="mean") + StandardScaler(),
                      categorical: SimpleImputer(strategy="most_frequent")
                                   + OneHotEncoder(handle_unknown="ignore"))
    + MLPClassifier(random_state=k) or MLPRegressor(random_state=k), every other argument its default

(the target of a regression is not scaled: scikit-learn's default). Writes <out>/tasks.json (the
tasks in order, with their shape and headline metric) and <out>/sklearn.jsonl (one line per task and
seed: accuracy and macro F1, or R², and the seconds of fit).

    /usr/bin/python3 bench/sklearn_compare.py [--out target/sklearn-compare] [--seeds 5] [--tasks iris,wine]

With --table, it instead reads tasks.json, sklearn.jsonl and the runner's sqlnn.jsonl from --out and
prints the Markdown table of `bench/sklearn-compare` (and writes it to <out>/table.md).
"""
import argparse
import csv
import json
import math
import os
import time
import warnings

import numpy as np
import sklearn
from sklearn import datasets
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score, f1_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


class Task:
    """A table: columns (names), rows X (an object array: floats, NaN or None for NULL, or text), label y."""

    def __init__(self, name, kind, metric, columns, X, y, categorical=(), about=""):
        self.name = name
        self.kind = kind  # "classification" or "regression"
        self.metric = metric  # the headline figure: "accuracy", "f1_macro" or "r2"
        self.columns = [column_name(c) for c in columns]
        self.X = X
        self.y = y
        self.categorical = list(categorical)  # indices of the text columns
        self.about = about


def column_name(text):
    name = "".join(ch if ch.isalnum() else "_" for ch in str(text).strip().lower())
    return name if name[:1].isalpha() else "x" + name


def bundled(name, loader, kind, metric, about):
    data = loader()
    return Task(name, kind, metric, data.feature_names, data.data.astype(float),
                data.target.astype(int) if kind == "classification" else data.target.astype(float), about=about)


def imbalanced():
    X, y = datasets.make_classification(n_samples=2000, n_features=20, n_informative=6, n_redundant=4,
                                        weights=[0.9, 0.1], flip_y=0.02, class_sep=0.8, random_state=3)
    return Task("imbalanced", "classification", "f1_macro", [f"x{i}" for i in range(20)], X, y,
                about="make_classification(n_samples=2000, n_features=20, n_informative=6, n_redundant=4, "
                      "weights=[0.9, 0.1], flip_y=0.02, class_sep=0.8, random_state=3); scored by macro F1")


def friedman1():
    X, y = datasets.make_friedman1(n_samples=1000, n_features=10, noise=1.0, random_state=1)
    return Task("friedman1", "regression", "r2", [f"x{i}" for i in range(10)], X, y,
                about="make_friedman1(n_samples=1000, n_features=10, noise=1.0, random_state=1)")


REGION = {"north": 1.0, "south": -1.0, "east": 0.5, "west": -0.5}
PLAN = {"basic": -1.2, "plus": 0.0, "pro": 1.2}
CHANNEL = {"web": 0.6, "store": -0.6, "phone": 0.0}


def mixed():
    """Customers with text categories and about 10% NULLs in every feature column; label 1 = churned."""
    rng = np.random.RandomState(7)
    n = 2000
    age = rng.randint(18, 81, n).astype(float)
    income = np.round(np.exp(rng.normal(10.5, 0.5, n)), 2)
    score = np.round(rng.normal(0.0, 1.0, n), 4)
    tenure = np.round(rng.uniform(0.0, 10.0, n), 2)
    region = rng.choice(list(REGION), n)
    plan = rng.choice(list(PLAN), n)
    channel = rng.choice(list(CHANNEL), n)
    logit = (0.04 * (age - 50) + 0.8 * score - 0.25 * (tenure - 5) + 0.8 * (np.log(income) - 10.5)
             + np.array([REGION[r] for r in region]) + np.array([PLAN[p] for p in plan])
             + np.array([CHANNEL[c] for c in channel]) + rng.normal(0.0, 0.5, n))
    y = (logit > 0).astype(int)
    X = np.empty((n, 7), dtype=object)
    for j, values in enumerate([age, income, score, tenure]):
        X[:, j] = values
    for j, values in enumerate([region, plan, channel], start=4):
        X[:, j] = values
    missing = rng.uniform(size=X.shape) < 0.10  # after the label: NULLs hide information, never decide it
    for j in range(7):
        X[missing[:, j], j] = np.nan if j < 4 else None
    return Task("mixed_text_nulls", "classification", "accuracy",
                ["age", "income", "score", "tenure", "region", "plan", "channel"], X, y, categorical=[4, 5, 6],
                about="2,000 synthetic customers (numpy RandomState(7)): age, income, score, tenure numeric; region "
                      "(north/south/east/west), plan (basic/plus/pro), channel (web/store/phone) text; label 1 when "
                      "a linear score of all seven plus N(0, 0.5) noise is positive; then each feature cell NULL "
                      "with probability 0.1")


def tasks():
    return [
        bundled("iris", datasets.load_iris, "classification", "accuracy", "load_iris(): 150 flowers, 3 classes"),
        bundled("wine", datasets.load_wine, "classification", "accuracy", "load_wine(): 178 wines, 3 classes"),
        bundled("breast_cancer", datasets.load_breast_cancer, "classification", "accuracy",
                "load_breast_cancer(): 569 tumours, 2 classes"),
        bundled("digits", datasets.load_digits, "classification", "accuracy",
                "load_digits(): 1,797 8x8 digits (pixels 0..16), 10 classes"),
        imbalanced(),
        mixed(),
        bundled("diabetes", datasets.load_diabetes, "regression", "r2",
                "load_diabetes(): 442 patients, 10 standardised features, disease progression (25..346)"),
        friedman1(),
    ]


def cell(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def write_csv(path, columns, X, y, kind):
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(columns + ["label"])
        for row, label in zip(X, y):
            # A regression's label is written as a float ("151.0"), so the table types it DOUBLE and
            # sqlnn infers a regression; a class as an integer.
            out.writerow([cell(v) for v in row] + [cell(float(label) if kind == "regression" else int(label))])


def pipeline(task, seed):
    numeric = [j for j in range(len(task.columns)) if j not in task.categorical]
    parts = [("numeric", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), numeric)]
    if task.categorical:
        parts.append(("categorical", make_pipeline(SimpleImputer(strategy="most_frequent", missing_values=None),
                                                   OneHotEncoder(handle_unknown="ignore")), task.categorical))
    model = MLPClassifier(random_state=seed) if task.kind == "classification" else MLPRegressor(random_state=seed)
    return Pipeline([("prepare", ColumnTransformer(parts)), ("mlp", model)])


def read_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def spread(values):
    """Mean and sample standard deviation (n - 1)."""
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0
    return mean, std


def table(out, java):
    with open(os.path.join(out, "tasks.json")) as f:
        meta = json.load(f)
    ours = read_lines(os.path.join(out, "sklearn.jsonl"))
    theirs = read_lines(os.path.join(out, "sqlnn.jsonl"))
    names = {"accuracy": "accuracy", "f1_macro": "macro F1", "r2": "R²"}
    rows = ["| task | rows × features | metric | scikit-learn MLP, mean ± std | sqlnn, mean ± std | sqlnn − sklearn "
            "| seeds sqlnn ≥ sklearn | training s, sklearn / sqlnn |",
            "|---|---|---|---|---|---|---|---|"]
    notes = []
    for task in meta["tasks"]:
        name, metric = task["task"], task["metric"]
        sk = sorted((r for r in ours if r["task"] == name), key=lambda r: r["seed"])
        sq = sorted((r for r in theirs if r["task"] == name), key=lambda r: r["seed"])
        sk_mean, sk_std = spread([r[metric] for r in sk])
        shape = f"{task['rows']:,} × {task['features']}" + (f" ({len(task['categorical'])} text)" if task["categorical"] else "")
        failed = [r for r in sq if "error" in r or r.get(metric) is None]
        sk_time = spread([r["train_seconds"] for r in sk])[0]
        if failed or not sq:
            error = failed[0].get("error", "no result") if failed else "not run"
            notes.append(f"{name}: sqlnn failed on {len(failed) or len(sk)} of {len(sk)} seeds: {error}")
            rows.append(f"| {name} | {shape} | {names[metric]} | {sk_mean:.4f} ± {sk_std:.4f} | failed (see below) | "
                        f"— | — | {sk_time:.2f} / — |")
            continue
        sq_mean, sq_std = spread([r[metric] for r in sq])
        by_seed = {r["seed"]: r[metric] for r in sq}
        wins = sum(1 for r in sk if r["seed"] in by_seed and by_seed[r["seed"]] >= r[metric])
        sq_time = spread([r["train_seconds"] for r in sq])[0]
        rows.append(f"| {name} | {shape} | {names[metric]} | {sk_mean:.4f} ± {sk_std:.4f} | {sq_mean:.4f} ± {sq_std:.4f} "
                    f"| {sq_mean - sk_mean:+.4f} | {wins} of {len(sk)} | {sk_time:.2f} / {sq_time:.2f} |")
    lines = rows + [""]
    lines.append(f"{meta['seeds']} seeds (0..{meta['seeds'] - 1}): the same 70/30 splits for both (stratified for a "
                 "classification); std is the sample standard deviation over the seeds; training seconds are the "
                 "mean wall-clock time of fit / of the ML_TRAIN statement.")
    lines.append("")
    lines.append(f"scikit-learn {meta['sklearn']} (installed with apt-get install python3-sklearn; numpy "
                 f"{meta['numpy']}), {java}.")
    for note in notes:
        lines.append("")
        lines.append(note)
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(text)
    print(text, end="")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="target/sklearn-compare")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--tasks", default="", help="comma-separated task names (default: all)")
    parser.add_argument("--table", action="store_true", help="print the table of the figures in --out")
    parser.add_argument("--java", default="Java", help="the Java version, for the table")
    args = parser.parse_args()
    if args.table:
        table(args.out, args.java)
        return
    chosen = [t for t in tasks() if not args.tasks or t.name in args.tasks.split(",")]
    os.makedirs(args.out, exist_ok=True)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)  # max_iter=200 is the default we compare
    with open(os.path.join(args.out, "tasks.json"), "w") as f:
        json.dump({"sklearn": sklearn.__version__, "numpy": np.__version__, "seeds": args.seeds,
                   "tasks": [{"task": t.name, "kind": t.kind, "metric": t.metric, "rows": len(t.y),
                              "features": len(t.columns), "categorical": [t.columns[j] for j in t.categorical],
                              "about": t.about} for t in chosen]}, f, indent=1)
    with open(os.path.join(args.out, "sklearn.jsonl"), "w") as results:
        for task in chosen:
            for seed in range(args.seeds):
                X_train, X_test, y_train, y_test = train_test_split(
                    task.X, task.y, test_size=0.3, random_state=seed,
                    stratify=task.y if task.kind == "classification" else None)
                folder = os.path.join(args.out, task.name, f"seed{seed}")
                os.makedirs(folder, exist_ok=True)
                write_csv(os.path.join(folder, "train.csv"), task.columns, X_train, y_train, task.kind)
                write_csv(os.path.join(folder, "test.csv"), task.columns, X_test, y_test, task.kind)
                if not task.categorical:  # numbers only: a float array, as the CSV holds them
                    X_train, X_test = X_train.astype(float), X_test.astype(float)
                model = pipeline(task, seed)
                start = time.perf_counter()
                model.fit(X_train, y_train)
                seconds = time.perf_counter() - start
                predicted = model.predict(X_test)
                line = {"task": task.name, "seed": seed, "train_rows": len(y_train), "test_rows": len(y_test),
                        "train_seconds": round(seconds, 3), "iterations": int(model.named_steps["mlp"].n_iter_)}
                if task.kind == "classification":
                    line["accuracy"] = accuracy_score(y_test, predicted)
                    line["f1_macro"] = f1_score(y_test, predicted, average="macro")
                else:
                    line["r2"] = r2_score(y_test, predicted)
                results.write(json.dumps(line) + "\n")
                results.flush()
                print(f"sklearn {task.name} seed {seed}: "
                      + ", ".join(f"{k} {line[k]:.4f}" for k in ("accuracy", "f1_macro", "r2") if k in line)
                      + f" ({seconds:.1f} s, {line['iterations']} iterations)", flush=True)


if __name__ == "__main__":
    main()
