# frozen_string_literal: true

require 'yaml'

# @summary Renders a Hash of settings as a YAML document body (keys sorted, no `---`).
Puppet::Functions.create_function(:'saker::to_yaml') do
  # @param data The settings.
  # @return [String] The YAML text, ending in a newline.
  dispatch :to_yaml do
    param 'Hash', :data
    return_type 'String'
  end

  def to_yaml(data)
    return "{}\n" if data.empty?

    sorted(data).to_yaml.sub(%r{\A---\n}, '')
  end

  private

  def sorted(value)
    case value
    when Hash then value.keys.sort_by(&:to_s).to_h { |key| [key.to_s, sorted(value[key])] }
    when Array then value.map { |item| sorted(item) }
    else value
    end
  end
end
