# @summary Keeps the unit enabled and running; a refresh reloads it.
#
# Refreshed by `saker::config`: `systemctl reload` runs the unit's `ExecReload=` (validate, then
# SIGHUP), so the agent keeps its PID, its probe and its state.
# @api private
class saker::service {
  if $caller_module_name != $module_name {
    fail("${name} is private to the saker module")
  }

  service { $saker::service_name:
    ensure  => $saker::service_ensure,
    enable  => $saker::service_enable,
    restart => "/usr/bin/systemctl reload ${saker::service_name}",
  }
}
