# frozen_string_literal: true

# saker_install: the saker package, from the configured repository or from a package file.
unified_mode true
provides :saker_install

property :package_name, String, name_property: true,
                                description: 'The package name.'
property :version, [String, nil],
         description: 'A version to pin (the package manager\'s syntax); nil for any.'
property :package_source, [String, nil],
         description: 'A .deb/.rpm file on the node to install instead of the repository\'s.'

default_action :install

# A package file goes through dpkg_package (Debian) or dnf_package (RHEL): Chef's apt provider,
# which `package` picks on Debian, refuses the `source` property.
action :install do
  if new_resource.package_source.nil?
    package new_resource.package_name do
      version new_resource.version if new_resource.version
      action :install
    end
  elsif debian?
    dpkg_package new_resource.package_name do
      source new_resource.package_source
      options '--force-confold'
      action :install
    end
  else
    dnf_package new_resource.package_name do
      source new_resource.package_source
      action :install
    end
  end
end

action :remove do
  saker_service 'saker' do
    action %i[stop disable]
  end

  package new_resource.package_name do
    action debian? ? :purge : :remove
  end
end
