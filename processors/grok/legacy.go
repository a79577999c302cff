package grok

// legacyPatterns are the pre-ECS definitions of the most used composite patterns, with the field
// names Logstash used before ECS compatibility (clientip, verb, response, bytes...), for
// pipelines and dashboards migrated from such a Logstash. pattern_set: legacy selects them.
var legacyPatterns = map[string]string{
	"HTTPDUSER":         `%{EMAILADDRESS}|%{USER}`,
	"HTTPD_COMMONLOG":   `%{IPORHOST:clientip} %{HTTPDUSER:ident} %{HTTPDUSER:auth} \[%{HTTPDATE:timestamp}\] "(?:%{WORD:verb} %{NOTSPACE:request}(?: HTTP/%{NUMBER:httpversion})?|%{DATA:rawrequest})" (?:-|%{NUMBER:response}) (?:-|%{NUMBER:bytes})`,
	"HTTPD_COMBINEDLOG": `%{HTTPD_COMMONLOG} %{QS:referrer} %{QS:agent}`,
	"COMMONAPACHELOG":   `%{HTTPD_COMMONLOG}`,
	"COMBINEDAPACHELOG": `%{HTTPD_COMBINEDLOG}`,
	"SYSLOGPROG":        `%{PROG:program}(?:\[%{POSINT:pid}\])?`,
	"SYSLOGBASE":        `%{SYSLOGTIMESTAMP:timestamp} (?:%{SYSLOGFACILITY} )?%{SYSLOGHOST:logsource} %{SYSLOGPROG}:`,
	"SYSLOGLINE":        `%{SYSLOGBASE} %{GREEDYDATA:message}`,
}
