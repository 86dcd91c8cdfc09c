# @summary Stops the agent, removes this module's files and purges the package.
# @api private
class saker::remove {
  if $caller_module_name != $module_name {
    fail("${name} is private to the saker module")
  }

  $files = ["${saker::config_dir}/${saker::config_dropin}"] + $saker::rules_files.keys.map |$name| {
    "${saker::rules_dir}/${name}"
  }

  service { $saker::service_name:
    ensure => stopped,
    enable => false,
  }
  -> file { $files:
    ensure => absent,
  }
  -> package { $saker::package_name:
    ensure   => purged,
    provider => $saker::package_provider,
  }
}
