"""The starter configuration `railwatch init` writes: the real sources, with comments."""

from __future__ import annotations

__all__ = ["STARTER_CONFIG"]

STARTER_CONFIG = """\
# railwatch configuration. Reference: README.md ("Configuration").
# Run `railwatch check` (from cron, e.g. every 15 minutes) or `railwatch daemon`.

database: sqlite:///railwatch.db          # relative to this file; postgresql+psycopg://... at scale

sources:
  # China Railway 12306: passenger notices (zh). The list rows link to static notice pages.
  - name: cr12306-notices
    kind: index
    url: https://www.12306.cn/mormhweb/zxdt/index_zxdt.html
    interval: 15m

  # China State Railway Group news (zh).
  - name: china-railway-news
    kind: index
    url: http://www.china-railway.com.cn/xwzx/zhxw/
    keywords: [朝鲜, 平壤, 丹东, 国际列车, K27, K28]
    interval: 30m

  # China MFA regular press conferences, Chinese transcripts: only the answers that
  # mention these words count, so an unrelated answer never alerts.
  - name: mfa-press-zh
    kind: index
    url: https://www.mfa.gov.cn/web/fyrbt_673021/jzhsl_673025/index.shtml
    keywords: [朝鲜, 平壤, 列车, 铁路, 丹东]
    interval: 1h

  # China MFA regular press conferences, English transcripts.
  - name: mfa-press-en
    kind: index
    url: https://www.fmprc.gov.cn/eng/xw/fyrbt/lxjzh/
    keywords: [DPRK, Pyongyang, train, railway, Dandong]
    interval: 1h

  # Yonhap North Korea news (en), RSS: each entry's article is fetched.
  - name: yonhap-nk
    kind: feed
    url: https://en.yna.co.kr/RSS/northkorea.xml
    keywords: [train, railway, rail, Pyongyang, Dandong, Khasan, Tumangang]
    interval: 30m

  # Russian MFA news (ru).
  - name: mid-news
    kind: index
    url: https://mid.ru/ru/foreign_policy/news/
    keywords: [КНДР, Пхеньян, поезд, железнодорож, Хасан, Туманган]
    interval: 1h

  # Xinhua world news (en), RSS.
  - name: xinhua-world
    kind: feed
    url: https://english.news.cn/rss/world.xml
    keywords: [DPRK, Pyongyang, train, railway]
    interval: 30m

  # A single page, watching one region only; ignore never counts as change.
  # - name: k27-timetable
  #   kind: page
  #   url: https://example.org/k27.html
  #   select: "#timetable"                # CSS, or "xpath:..."
  #   ignore: ["\\\\d+ views", ".ad-banner"]  # regexes and CSS selectors

# Extra spellings for the station gazetteer (canonical name: [other spellings]).
# stations:
#   Rajin: [罗津, 라진, Раджин]

crawl:
  concurrency: 16                          # requests in flight in all
  per_host: 4                              # requests in flight per host
  delay: 1s                                # least time between two requests to one host
  autothrottle: true
  robots: true                             # obey robots.txt
  timeout: 30s
  max_bytes: 32MB
  allow_private: false                     # refuse loopback/private/link-local/reserved addresses

# notify:
#   - kind: webhook
#     url: https://hooks.example.org/railwatch
#     secret: ${RAILWATCH_WEBHOOK_SECRET}   # whsec_... (Standard Webhooks)
#     kinds: [status, schedule, new]
#   - kind: email
#     smtp: smtp+starttls://user:${SMTP_PASSWORD}@smtp.example.org:587
#     from: railwatch@example.org
#     to: [desk@example.org]
"""
