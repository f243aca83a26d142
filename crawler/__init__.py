"""The Scrapy project: `scrapy crawl county_portals` walks each registry portal to its reports.

Registry, spider, CMS adapters, middlewares and the pipeline that hands every fetch to the
archive as a `FetchRecord`. The crawler never parses a report and never opens SQLite: it may
import `archive`'s public API and `parsers`' vocabulary, nothing of `cli` or `demo`.
"""
