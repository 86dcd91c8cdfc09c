# frozen_string_literal: true

require 'yaml'

module Saker
  # Helpers shared by the resources and templates.
  module Helpers
    # A drop-in or rules file name: what `saker validate --as` accepts, spelled for Chef.
    PLAIN_YAML_NAME = /\A[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml\z/

    module_function

    # Settings (a Hash, possibly a node attribute) as a YAML document body: keys as strings,
    # sorted, no leading `---`.
    def to_yaml(settings)
      plain = deep_plain(settings)
      return "{}\n" if plain.empty?

      YAML.dump(plain).sub(/\A---\n/, '')
    end

    def deep_plain(value)
      case value
      when Hash then value.keys.map(&:to_s).sort.to_h { |key| [key, deep_plain(value[key] || value[key.to_sym])] }
      when Array then value.map { |item| deep_plain(item) }
      else value
      end
    end
  end
end
