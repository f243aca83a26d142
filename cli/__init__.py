"""`zfxxgk`, the project's command line: above every other package, imported by none.

`cli.main` gathers the subcommands; each lives in its own module of `cli.commands` and
exposes `register(subparsers)`. Commands may import `parsers`, `archive`, `crawler` and
`demo`; nothing imports `cli`.
"""
