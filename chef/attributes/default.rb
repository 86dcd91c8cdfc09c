# frozen_string_literal: true

# The default recipe's inputs; each maps to a property of the resources (documentation/).
default['saker']['package_name'] = 'saker'
default['saker']['version'] = nil
default['saker']['package_source'] = nil
default['saker']['config'] = {}
default['saker']['config_dropin'] = '50-chef.yaml'
default['saker']['rules_files'] = {}
