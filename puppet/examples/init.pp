# puppet apply examples/init.pp: the agent from the configured repository, alerts to the journal
# too, with one local rule.
class { 'saker':
  config      => {
    'priority' => 'notice',
    'outputs'  => { 'journald' => { 'enabled' => true } },
  },
  rules_files => {
    'local.yaml' => @(RULES),
      - rule: Fleet marker read
        desc: A local rule shipped by Puppet.
        condition: open_read and fd.name = /etc/saker-fleet-marker
        output: "Fleet marker read (file=%fd.name process=%proc.name)"
        priority: NOTICE
      | RULES
  },
}
