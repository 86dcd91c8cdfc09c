# @summary Installs, configures and supervises the Saker runtime-security agent.
#
# The package is installed (from a repository, or from a package file with `package_source`),
# `config` is rendered as YAML into a drop-in in `config_dir` and `rules_files` into
# `rules_dir`, each checked by `saker validate` before it is written, and the systemd unit is
# kept enabled and running. A change of the configuration or of a rules file reloads the agent
# (`systemctl reload`: validate, then SIGHUP), never restarts it; a package upgrade restarts it
# (the package's own scripts). Defaults are Hiera data in the module (`data/`).
#
# @example Installed from the configured repository, alerts also to the journal
#   class { 'saker':
#     config => { 'priority' => 'notice', 'outputs' => { 'journald' => { 'enabled' => true } } },
#   }
#
# @example Removed
#   class { 'saker': ensure => absent }
#
# @param ensure
#   `present` installs and runs the agent; `absent` stops it, removes this module's files and
#   purges the package.
# @param package_name
#   The package's name.
# @param package_ensure
#   `installed`, `latest`, or a version to pin (the package manager's syntax, e.g. `0.6.0-1`).
# @param package_source
#   A package file (`.deb`/`.rpm`) on the node to install instead of the repository's.
# @param package_provider
#   The package provider (Hiera per OS family: `apt`, `dnf`).
# @param config
#   Settings (docs/configuration.md) rendered as YAML into the drop-in.
# @param config_dropin
#   The drop-in's file name.
# @param config_dir
#   The drop-in directory.
# @param rules_files
#   Rules files to ship: file name => content. Each is validated in its place in `rules_dir`:
#   after the rules files loaded before that directory and beside its other files, so it may use
#   their lists and macros.
# @param rules_dir
#   Where the rules files go: a directory that the configuration's `rules_files` loads.
# @param service_name
#   The systemd unit.
# @param service_ensure
#   `running` or `stopped`.
# @param service_enable
#   Whether the unit starts at boot.
# @param binary
#   The saker executable, used to validate files before they are written.
class saker (
  Enum['present', 'absent'] $ensure,
  String[1] $package_name,
  String[1] $package_ensure,
  Optional[String[1]] $package_source,
  String[1] $package_provider,
  Hash[String[1], Any] $config,
  Saker::Filename $config_dropin,
  Saker::Absolutepath $config_dir,
  Hash[Saker::Filename, String] $rules_files,
  Saker::Absolutepath $rules_dir,
  String[1] $service_name,
  Enum['running', 'stopped'] $service_ensure,
  Boolean $service_enable,
  Saker::Absolutepath $binary,
) {
  if $ensure == 'present' {
    contain saker::install
    contain saker::config
    contain saker::service

    Class['saker::install'] -> Class['saker::config'] ~> Class['saker::service']
  } else {
    contain saker::remove
  }
}
