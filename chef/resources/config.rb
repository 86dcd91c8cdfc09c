# frozen_string_literal: true

# saker_config: settings rendered as YAML into a drop-in of /etc/saker/config.d, validated by
# `saker validate` before it replaces the file, in the place it will take: after saker.yaml, among
# the other drop-ins, with the copy being replaced ignored (`--drop-in %{path} --as NAME`).
unified_mode true
provides :saker_config

property :dropin, String, name_property: true,
                          regex: Saker::Helpers::PLAIN_YAML_NAME,
                          description: 'The drop-in file name.'
property :config, Hash, default: {},
                        description: 'Settings, keys as in docs/configuration.md.'
property :config_dir, String, default: '/etc/saker/config.d',
                              description: 'The drop-in directory.'
property :binary, String, default: '/usr/bin/saker',
                          description: 'The saker executable that validates the file.'

default_action :create

action :create do
  directory new_resource.config_dir do
    owner 'root'
    group 'root'
    mode '0755'
  end

  template ::File.join(new_resource.config_dir, new_resource.dropin) do
    cookbook 'saker'
    source 'dropin.yaml.erb'
    owner 'root'
    group 'root'
    mode '0644'
    variables(config: new_resource.config)
    verify "#{new_resource.binary} validate --drop-in %{path} --as #{new_resource.dropin}"
  end
end

action :delete do
  file ::File.join(new_resource.config_dir, new_resource.dropin) do
    action :delete
  end
end
