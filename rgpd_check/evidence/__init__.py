"""Evidence: the on-disk bundle (WARC + DNS answers + events + manifest with hashes).

Everything a fact is derived from is stored here, so ``evaluate`` never needs the network.
"""
