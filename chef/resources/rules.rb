# frozen_string_literal: true

# saker_rules: one rules file in /etc/saker/rules.d, validated in its place before it replaces the
# file: after the rules files loaded before the directory and beside the directory's other files.
unified_mode true
provides :saker_rules

property :file_name, String, name_property: true,
                             regex: Saker::Helpers::PLAIN_YAML_NAME,
                             description: 'The rules file name.'
property :content, String, required: %i[create],
                           description: 'The rules (Falco rules language).'
property :rules_dir, String, default: '/etc/saker/rules.d',
                             description: 'Where the rules files go.'
property :binary, String, default: '/usr/bin/saker',
                          description: 'The saker executable that validates the file.'

default_action :create

action :create do
  directory new_resource.rules_dir do
    owner 'root'
    group 'root'
    mode '0755'
  end

  file ::File.join(new_resource.rules_dir, new_resource.file_name) do
    owner 'root'
    group 'root'
    mode '0644'
    content new_resource.content
    verify "#{new_resource.binary} validate --rules-drop-in %{path} --as #{new_resource.file_name} " \
           "--rules-dir #{new_resource.rules_dir}"
  end
end

action :delete do
  file ::File.join(new_resource.rules_dir, new_resource.file_name) do
    action :delete
  end
end
