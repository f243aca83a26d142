"""Fixture portals for the offline demo, the end-to-end tests and the benchmarks.

Fake county portals of several CMS families (content, page renderers, a loopback HTTP
server) and the `scrapy crawl` command line that crawls them. Nothing in `crawler`,
`parsers` or `archive` imports this package; it may import any of them, and `zfxxgk demo`
(in `cli`) runs it.
"""
