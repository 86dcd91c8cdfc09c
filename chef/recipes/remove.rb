# frozen_string_literal: true

# Removes Saker: this cookbook's files, then the package (purged on Debian).
saker_config node['saker']['config_dropin'] do
  action :delete
end

node['saker']['rules_files'].each_key do |file_name|
  saker_rules file_name do
    action :delete
  end
end

saker_install node['saker']['package_name'] do
  action :remove
end
