# @summary Renders the drop-in and the rules files, each validated before it is written.
#
# The drop-in is validated in the place it will take (`saker validate --drop-in % --as NAME`):
# after saker.yaml, among the other drop-ins, with the copy being replaced ignored. The unit's
# `ExecReload=` validates the merged result again before the agent is signalled. Each rules file
# is validated in its place too (`saker validate --rules-drop-in % --as NAME --rules-dir DIR`):
# after the rules files loaded before `rules_dir` and beside the directory's other files.
# @api private
class saker::config {
  if $caller_module_name != $module_name {
    fail("${name} is private to the saker module")
  }

  file { [$saker::config_dir, $saker::rules_dir]:
    ensure => directory,
    owner  => 'root',
    group  => 'root',
    mode   => '0755',
  }

  file { "${saker::config_dir}/${saker::config_dropin}":
    ensure       => file,
    owner        => 'root',
    group        => 'root',
    mode         => '0644',
    content      => epp('saker/dropin.yaml.epp', { 'config' => $saker::config }),
    validate_cmd => "${saker::binary} validate --drop-in % --as ${saker::config_dropin}",
  }

  $saker::rules_files.each |String $name, String $content| {
    file { "${saker::rules_dir}/${name}":
      ensure       => file,
      owner        => 'root',
      group        => 'root',
      mode         => '0644',
      content      => $content,
      validate_cmd => "${saker::binary} validate --rules-drop-in % --as ${name} --rules-dir ${saker::rules_dir}",
    }
  }
}
