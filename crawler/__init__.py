"""The Scrapy project behind ``railwatch check``: fetch every source, hand each answer to a sink.

Modules, each importing only those above it:

- :mod:`crawler.exceptions`, :mod:`crawler.items`, :mod:`crawler.plan`: errors, what a crawl
  yields, and what it is asked to fetch;
- :mod:`crawler.addresses`, :mod:`crawler.failures`, :mod:`crawler.links`,
  :mod:`crawler.retry_after`: pure helpers;
- :mod:`crawler.resolver`, :mod:`crawler.middlewares`, :mod:`crawler.pipelines`,
  :mod:`crawler.spiders`: the Scrapy components;
- :mod:`crawler.settings`: all of the wiring, built from the ``crawl:`` section;
- :mod:`crawler.runner`: :func:`~crawler.runner.run_crawl` and the repeatable
  :func:`~crawler.runner.crawl`.
"""

__all__: list[str] = []
