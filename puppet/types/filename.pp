# @summary A plain YAML file name (no directory), as drop-ins and rules files are named.
type Saker::Filename = Pattern[/\A[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml\z/]
