# frozen_string_literal: true

# saker_service: the systemd unit. :reload runs `systemctl reload` (the unit's ExecReload=:
# validate, then SIGHUP; same PID, probe and state); :restart replaces the process. In one run a
# restart makes a later reload unnecessary, so :reload is skipped after :restart.
unified_mode true
provides :saker_service

property :service_name, String, default: 'saker.service',
                                description: 'The systemd unit.'

default_action %i[enable start]

action :enable do
  service(new_resource.service_name) { action :enable }
end

action :start do
  service(new_resource.service_name) { action :start }
end

action :stop do
  service(new_resource.service_name) { action :stop }
end

action :disable do
  service(new_resource.service_name) { action :disable }
end

action :restart do
  service(new_resource.service_name) { action :restart }
  node.run_state['saker_restarted'] = true
end

action :reload do
  service new_resource.service_name do
    supports reload: true
    action :reload
    not_if { node.run_state['saker_restarted'] }
  end
end
