#!/usr/bin/python3
"""M/M/1 in SimPy 2.3 (Debian's python3-simpy), the peer for bench/compare_simpy.sh.

One process per customer: request, hold, release (as in research/anchors-model.md §0.5).
Prints one line of JSON: customers, CPU seconds, customers/s, events/s at 4 SimPy events
per customer (activate, request, hold, release), and the mean response time (exact: 1/(mu - lam)).
Usage: simpy_mm1.py [customers=200000] [lam=0.9] [mu=1.0] [seed=1]
"""
import json
import random
import sys
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, now, release, request, simulate


class Totals:
    def __init__(self):
        self.done = 0
        self.response_sum = 0.0


class Customer(Process):
    def visit(self, server, mu, totals):
        arrived = now()
        yield request, self, server
        yield hold, self, random.expovariate(mu)
        yield release, self, server
        totals.done += 1
        totals.response_sum += now() - arrived


class Source(Process):
    def generate(self, customers, lam, mu, server, totals):
        for _ in range(customers):
            customer = Customer()
            activate(customer, customer.visit(server, mu, totals))
            yield hold, self, random.expovariate(lam)


def main():
    customers = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    lam = float(sys.argv[2]) if len(sys.argv) > 2 else 0.9
    mu = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    random.seed(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    started = time.process_time()
    initialize()
    server = Resource(capacity=1)
    totals = Totals()
    source = Source()
    activate(source, source.generate(customers, lam, mu, server, totals))
    simulate(until=1e15)
    seconds = time.process_time() - started
    print(json.dumps({
        "customers": totals.done,
        "cpu_seconds": seconds,
        "customers_per_second": totals.done / seconds,
        "events_per_second": 4 * totals.done / seconds,
        "mean_response_time": totals.response_sum / totals.done,
    }))


if __name__ == "__main__":
    main()
