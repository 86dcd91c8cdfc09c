# @summary Installs the saker package.
# @api private
class saker::install {
  if $caller_module_name != $module_name {
    fail("${name} is private to the saker module")
  }

  package { $saker::package_name:
    ensure   => $saker::package_ensure,
    source   => $saker::package_source,
    provider => $saker::package_provider,
  }
}
