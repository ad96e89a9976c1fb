"""The catalogue crawler (issue #12): discover a shop's products over plain HTTP and read what each one claims.

``records`` holds plain data (what the JA8xx rules read); ``reading`` turns a page's HTML into
those records; ``discovery`` drives Crawlee. Only ``discovery`` imports Crawlee.
"""
