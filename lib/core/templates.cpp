#include "templates.hpp"

#include <set>
#include <stdexcept>

namespace zokml::detail {

std::string render_template(const std::string& name, const std::map<std::string, std::string>& values) {
    const auto found = embedded_templates().find(name);
    if (found == embedded_templates().end()) throw std::logic_error("no embedded template " + name);
    const std::string& text = found->second;
    std::string out;
    std::set<std::string> used;
    std::size_t pos = 0;
    while (true) {
        const std::size_t open = text.find("{{", pos);
        if (open == std::string::npos) break;
        const std::size_t close = text.find("}}", open);
        if (close == std::string::npos) throw std::logic_error(name + ": unclosed {{");
        const std::string key = text.substr(open + 2, close - open - 2);
        const auto value = values.find(key);
        if (value == values.end()) throw std::logic_error(name + ": no value for {{" + key + "}}");
        out.append(text, pos, open - pos).append(value->second);
        used.insert(key);
        pos = close + 2;
    }
    out.append(text, pos);
    for (const auto& [key, value] : values)
        if (!used.count(key)) throw std::logic_error(name + ": {{" + key + "}} does not appear");
    return out;
}

}  // namespace zokml::detail
