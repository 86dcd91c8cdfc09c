# @summary An absolute Unix path.
type Saker::Absolutepath = Pattern[/\A\/([^\/\0]+\/?)*\z/]
