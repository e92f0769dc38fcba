"""Collect: every I/O of an audit (DNS, HTTP, browser), all through one network component."""
