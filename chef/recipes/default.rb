# frozen_string_literal: true

# Installs, configures and runs Saker from node['saker'] (attributes/default.rb).
raise 'saker needs systemd' unless systemd?
raise "saker supports the debian and rhel platform families, not #{node['platform_family']}" unless debian? || rhel?

saker_install node['saker']['package_name'] do
  version node['saker']['version']
  package_source node['saker']['package_source']
  notifies :restart, 'saker_service[saker]', :delayed
end

saker_config node['saker']['config_dropin'] do
  config node['saker']['config']
  notifies :reload, 'saker_service[saker]', :delayed
end

node['saker']['rules_files'].each do |file_name, content|
  saker_rules file_name do
    content content
    notifies :reload, 'saker_service[saker]', :delayed
  end
end

saker_service 'saker' do
  action %i[enable start]
end
