#!/usr/bin/env python3
"""The figures of `bin/sqlnn bench`, measured with PyTorch on the same machine and the same digits.

The targets of sqlnn's speed issue were set from PyTorch on another machine; this script measures
PyTorch here, so that the two can be compared minute for minute. It mirrors the bench:

  - training 784-1024-512-10 (ReLU, softmax cross-entropy, Adam lr 0.001, batch 64, shuffled) on the
    8,000 bundled training digits with 10% held out for validation: rows/s of the training pass of each
    epoch (validation excluded, as ML_TRAINING_INFO counts it), best epoch, then accuracy on the 2,000
    test digits;
  - scoring one row at a time (PyTorch's analogue of SELECT COUNT(PREDICT(...))): a forward pass and an
    argmax per row over all 10,000 digits, already scaled floats in memory (sqlnn also reads each row
    from H2 and scales its bytes);
  - scoring in batches (the analogue of ML_PREDICT): the best of batches of 256 and of all 10,000 rows;
  - torch.mm (MKL) and NumPy's matmul (OpenBLAS) at the bench's GEMM shapes.

PyTorch is "tuned" as in the issue: the thread count set explicitly and denormals flushed.

    OPENBLAS_NUM_THREADS=2 python3 bench/pytorch_compare.py [--threads 2] [--epochs 5] [--data FOLDER] [--json FILE]
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def digits(data, split):
    images = read_idx(os.path.join(data, f"mnist10k-{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data, f"mnist10k-{split}-labels-idx1-ubyte.gz"))
    return torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255.0), torch.from_numpy(labels.astype(np.int64))


def best_rate(work, units, rounds=7, warmup=2):
    """Units per second of work(): the best of rounds after warm-up runs, as the bench takes it."""
    best = 0.0
    for run in range(rounds):
        start = time.perf_counter()
        work()
        rate = units / (time.perf_counter() - start)
        if run >= warmup:
            best = max(best, rate)
    return best


def gemm(shape, library, seconds=0.05, rounds=8):
    """GFLOP/s of C = op(A)·op(B) (m×n×k; T marks a transposed operand): the best of rounds, as the bench takes it."""
    m, n, k, layout = shape
    g = torch.Generator().manual_seed(1)
    a = torch.randn((k, m) if layout[0] == "T" else (m, k), generator=g)
    b = torch.randn((n, k) if layout[1] == "T" else (k, n), generator=g)
    op_a = a.t() if layout[0] == "T" else a
    op_b = b.t() if layout[1] == "T" else b
    out = torch.empty(m, n)
    if library == "numpy":
        op_a, op_b, out = op_a.numpy(), op_b.numpy(), out.numpy()
        product = lambda: np.matmul(op_a, op_b, out=out)
    else:
        product = lambda: torch.mm(op_a, op_b, out=out)
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        count = 0
        while time.perf_counter() - start < seconds:
            product()
            count += 1
        best = max(best, 2.0 * m * n * k * count / (time.perf_counter() - start) / 1e9)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    bundled = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "main", "resources", "dev", "sqlnn", "data")
    parser.add_argument("--data", default=bundled, help="the folder of the mnist10k-*.gz files (default: the ones sqlnn bundles)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    torch.manual_seed(args.seed)
    results = {"torch": torch.__version__, "threads": args.threads}
    print(f"PyTorch {torch.__version__}, {args.threads} threads, denormals flushed")

    # NumPy's OpenBLAS reads OPENBLAS_NUM_THREADS when it loads; set it before running for a fair figure.
    results["gemm_gflops"] = {"torch.mm": {}, "numpy.matmul": {}}
    print(f"{'m x n x k':>18}   torch.mm (MKL)   numpy.matmul (OpenBLAS, {os.environ.get('OPENBLAS_NUM_THREADS', 'all')} threads)")
    for shape in [(64, 1024, 784, "NN"), (64, 512, 1024, "NN"), (784, 1024, 64, "TN"), (1024, 512, 64, "TN"), (64, 1024, 512, "NT")]:
        name = "%dx%dx%d:%s" % shape
        torch_gflops = results["gemm_gflops"]["torch.mm"][name] = gemm(shape, "torch")
        numpy_gflops = results["gemm_gflops"]["numpy.matmul"][name] = gemm(shape, "numpy")
        print(f"{name:>18}   {torch_gflops:8.1f} GFLOP/s   {numpy_gflops:8.1f} GFLOP/s")

    x, y = digits(args.data, "train")
    x_test, y_test = digits(args.data, "test")
    order = torch.randperm(len(x))
    validation = order[: len(x) // 10]
    training = order[len(x) // 10:]
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 1024), torch.nn.ReLU(),
        torch.nn.Linear(1024, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_function = torch.nn.CrossEntropyLoss()
    print(f"\nTraining 784-1024-512-10 (Adam, batch 64) on {len(training):,} of 8,000 digits, {args.epochs} epochs")
    results["training"] = {}
    best = 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.perf_counter()
        shuffled = training[torch.randperm(len(training))]
        for first in range(0, len(shuffled), 64):
            batch = shuffled[first:first + 64]
            optimizer.zero_grad(set_to_none=True)
            loss_function(model(x[batch]), y[batch]).backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        rate = len(training) / seconds
        best = max(best, rate)
        model.eval()
        with torch.inference_mode():
            validation_accuracy = (model(x[validation]).argmax(1) == y[validation]).float().mean().item()
        results["training"][f"epoch_{epoch}"] = {"seconds": seconds, "rows_per_second": rate}
        print(f"  epoch {epoch}: {seconds:6.2f} s, {rate:8,.0f} rows/s, validation accuracy {100 * validation_accuracy:.2f}%")
    with torch.inference_mode():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    results["training"]["best_rows_per_second"] = best
    results["training"]["test_accuracy"] = accuracy
    print(f"  best epoch {best:,.0f} rows/s; test accuracy {100 * accuracy:.2f}%")

    everything = torch.cat([x, x_test])
    rows = len(everything)

    def one_row_at_a_time():
        for i in range(rows):
            model(everything[i:i + 1]).argmax(1)

    def in_batches(size):
        def score():
            for first in range(0, rows, size):
                model(everything[first:first + size]).argmax(1)
        return score

    with torch.inference_mode():
        single = best_rate(one_row_at_a_time, rows)
        batch256 = best_rate(in_batches(256), rows)
        whole = best_rate(in_batches(rows), rows)
    results["predict_rows_per_second"] = single
    results["batch_rows_per_second"] = {"256": batch256, "10000": whole}
    print(f"\none row at a time over {rows:,} rows: {single:,.0f} rows/s")
    print(f"batches of 256: {batch256:,.0f} rows/s; all {rows:,} at once: {whole:,.0f} rows/s")

    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
